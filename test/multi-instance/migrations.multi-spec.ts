import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from '@authbridge/storage';
import { createScratchDatabase, type ScratchDatabase } from '../e2e/helpers/scratch-database';
import { postgresUrl } from './postgres-url';

describe('migrations on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(postgresUrl());
  });
  afterAll(() => scratch.drop());

  it('run once when four instances start together on an empty database (the migrator takes an advisory lock)', async () => {
    const stores = Array.from({ length: 4 }, () => openDatabase(scratch.url, { poolSize: 2 }).db);
    try {
      await Promise.all(stores.map((db) => migrateToLatest(db)));
      const { rows } = await sql<{ name: string; times: number }>`select name, count(*) as times from kysely_migration group by name`.execute(stores[0]);
      expect(rows.length).toBeGreaterThan(4);
      expect(rows.filter((r) => Number(r.times) !== 1)).toEqual([]);
      const collation = await sql<{ collation_name: string }>`select collation_name from information_schema.columns where table_name = 'users' and column_name = 'username'`.execute(stores[0]);
      expect(collation.rows[0].collation_name).toBe('C');
    } finally {
      await Promise.all(stores.map((db) => db.destroy()));
    }
  });
});
