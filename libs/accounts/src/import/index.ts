export * from './import-source';
export * from './import-row';
export * from './validated-batches';
export * from './user-importer';
