import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type StoreKind = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Db;
  kind: StoreKind;
}

/** Opens the store named by a DATABASE_URL (`sqlite:PATH`, `sqlite::memory:` or `postgres://…`). */
export function openDatabase(url: string, options: { poolSize?: number } = {}): OpenedDatabase {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10 });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }
  const path = url.slice('sqlite:'.length);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path === ':memory:' ? ':memory:' : resolve(path));
  // WAL lets the CLI write while the API serves; busy_timeout waits instead of failing on a lock.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // PostgreSQL's LIKE is case-sensitive; make SQLite's the same so prefix search agrees.
  sqlite.pragma('case_sensitive_like = ON');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), kind: 'sqlite' };
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
