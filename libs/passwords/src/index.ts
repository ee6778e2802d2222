export * from './password-hasher';
export * from './argon2-hasher';
export * from './multi-format-hasher';
export { recognizeHashFormat, type HashFormat } from './formats/hash-formats';
export * from './password-policy';
