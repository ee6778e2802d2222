export * from './password-hasher';
export * from './argon2-hasher';
export * from './multi-format-hasher';
export { COST_BOUNDS, HASH_FORMATS, MAX_LEGACY_PASSWORD_BYTES, inspectHash, recognizeHashFormat, type HashFormat, type HashInspection } from './formats/hash-formats';
export { iteratedDigest } from './formats/digest-pool';
export * from './password-policy';
export * from './password-preparation';
