export * from './app-config';
export * from './load-config';
export * from './user-source-config';
