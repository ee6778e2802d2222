export * from './password-hasher';
export * from './argon2-hasher';
export * from './password-policy';
