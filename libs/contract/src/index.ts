export * from './codes';
export * from './types';
