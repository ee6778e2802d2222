export * from './jws';
export * from './sso-keys';
export * from './sso-wikis';
export * from './sso-tickets';
export * from './back-channel';
