export * from './database';
export * from './migrations';
export * from './records';
export * from './user-repository';
export * from './client-repository';
export * from './throttle-repository';
export * from './sso-repository';
export { StorageModule, DATABASE } from './storage.module';
export * from './user-import-repository';
