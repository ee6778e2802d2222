import { sql, type Kysely, type Migration } from 'kysely';
import { isPostgres } from '../database';

/**
 * Names sort and match by their UTF-8 bytes on both stores: SQLite's BINARY collation does,
 * PostgreSQL's "C" collation does too, while the database's default (en_US, ...) would order
 * "alice" next to "Alice" and could not use the index for a LIKE prefix.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    if (isPostgres(db)) await sql`alter table users alter column username type varchar(255) collate "C"`.execute(db);
  },
};
