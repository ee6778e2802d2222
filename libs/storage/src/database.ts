import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type StoreKind = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Db;
  kind: StoreKind;
}

export interface DatabaseOptions {
  /** Connections in the PostgreSQL pool (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Told about a pooled connection that broke while idle (e.g. PostgreSQL restarted). */
  onPoolError?: (error: Error) => void;
}

const PG_INT8 = 20;

/**
 * Counts and epoch-millisecond columns are bigint on PostgreSQL, which pg returns as strings;
 * every value we store fits a double exactly, so both stores hand the repositories numbers.
 */
const pgTypeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 ? (value: string) => Number(value) : pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
};

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

const POOLS = new WeakMap<Kysely<any>, Pool>();

/** How full the PostgreSQL pool behind `db` is (for metrics); null for SQLite, which has none. */
export function poolUse(db: Kysely<any>): { total: number; idle: number; waiting: number } | null {
  const pool = POOLS.get(db);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/** Opens the store named by a DATABASE_URL (`sqlite:PATH`, `sqlite::memory:` or `postgres://…`). */
export function openDatabase(url: string, options: DatabaseOptions = {}): OpenedDatabase {
  if (isPostgresUrl(url)) {
    const pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      // A store that does not answer fails readiness within seconds instead of hanging requests.
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: 'authbridge',
      types: pgTypeParsers,
    });
    // Without a listener, an idle connection dropped by the server would crash the process;
    // the pool replaces it on the next query.
    pool.on('error', (error) => options.onPoolError?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    POOLS.set(db, pool);
    return { db, kind: 'postgres' };
  }
  const path = url.slice('sqlite:'.length);
  if (path !== ':memory:') createPrivateFile(resolve(path));
  const sqlite = new BetterSqlite3(path === ':memory:' ? ':memory:' : resolve(path));
  // WAL lets the CLI write while the API serves; busy_timeout waits instead of failing on a lock.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // PostgreSQL's LIKE is case-sensitive; make SQLite's the same so prefix search agrees.
  sqlite.pragma('case_sensitive_like = ON');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }), kind: 'sqlite' };
}

/**
 * A new store file is made 0600 (its directory 0700) before SQLite opens it: it holds password
 * hashes and client-secret digests. SQLite gives the -wal and -shm files it creates later the
 * mode of the database file (unix VFS, findCreateFileMode), so they are 0600 too, whenever they
 * appear. Not process.umask(): that is process-wide (other threads would create files under it
 * meanwhile) and cannot be set in a worker thread. An existing file keeps its mode: the operator
 * may have given a backup group read access on purpose.
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

const MAX_CACHED_STATEMENTS = 256;

/**
 * Kysely prepares every query anew, and parsing SQL was the largest single cost of a user
 * look-up in profiles; reuse prepared statements (a busy one, mid-iteration, is never shared).
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(text);
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
      cache.set(text, statement);
      return statement;
    },
  };
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Migrations that must differ between the stores ask this. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A unique or primary-key constraint refused the row, on either store. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
