export * from './username';
export * from './clock';
export * from './user-json';
export * from './accounts.service';
export * from './client-credentials';
export * from './credential-verifier';
export * from './login-throttle';
export * from './accounts.module';
