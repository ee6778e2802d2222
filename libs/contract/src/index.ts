export * from './codes';
export * from './types';
export * from './domain-error';
export * from './security';
export * from './sso';
