// Patterns, bounds and names shared with the extension: generated from contract.constants.json.
export * from './generated/constants';
export * from './codes';
export * from './types';
export * from './domain-error';
export * from './security';
export * from './sso';
