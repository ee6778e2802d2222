import { Logger } from '@nestjs/common';
import type { Pool as MysqlPool, PoolOptions } from 'mysql2/promise';
import { Pool as PgPool } from 'pg';
import { ConfigError, type SqlSourceSettings } from '@authbridge/config';
import { sourceUnavailable } from '../source-errors';

export type SqlRow = Record<string, unknown>;

/**
 * The website's database, read-only: one `?`-placeholder dialect over mysql2 and pg. Every call
 * either answers within `timeoutMs` or fails with SOURCE_UNAVAILABLE (the wiki's "unavailable",
 * never "wrong password"); a broken connection is replaced by the pool, so the source recovers
 * without a restart.
 */
export abstract class SqlClient {
  abstract readonly driver: 'mysql' | 'postgres';
  /** Runs one SELECT; `?` placeholders in order. */
  abstract query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  /** Runs a start-up check: like query, but a database error is thrown as it is, to be explained. */
  abstract probe(sql: string): Promise<void>;
  abstract close(): Promise<void>;
  /** Quotes an identifier that the config already checked as plain ([A-Za-z0-9_.]). */
  abstract id(name: string): string;
}

const logger = new Logger('UserSource');

export async function openSqlClient(settings: Pick<SqlSourceSettings, 'url' | 'driver' | 'poolSize' | 'timeoutMs'>): Promise<SqlClient> {
  if (settings.driver === 'postgres') return new PostgresClient(settings);
  // Loaded only with a MySQL source: a third of a second of start-up that other installs skip.
  const { createPool } = await import('mysql2/promise');
  return new MysqlClient(settings, createPool);
}

/** The deadline for one call, whatever the driver is waiting for (a connection, a free slot, rows). */
async function withDeadline<T>(timeoutMs: number, work: () => Promise<T>, raw = false): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })), timeoutMs);
      }),
    ]);
  } catch (error) {
    if (raw) throw error;
    // The log line has the driver's code and message, never the query's parameters (names, hashes).
    const e = error as { code?: string; message?: string };
    logger.warn({ msg: 'the user source did not answer', code: e.code ?? 'ERROR', error: e.message });
    throw sourceUnavailable();
  } finally {
    clearTimeout(timer);
  }
}

class MysqlClient extends SqlClient {
  readonly driver = 'mysql' as const;
  private readonly pool: MysqlPool;

  constructor(private readonly settings: Pick<SqlSourceSettings, 'url' | 'poolSize' | 'timeoutMs'>, createPool: (options: PoolOptions) => MysqlPool) {
    super();
    const url = new URL(settings.url.replace(/^mariadb:/, 'mysql:'));
    const options: PoolOptions = {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.replace(/^\//, '')),
      socketPath: url.searchParams.get('socket') ?? undefined,
      connectionLimit: settings.poolSize,
      connectTimeout: settings.timeoutMs,
      charset: 'utf8mb4',
      // Ids as strings (bigint unsigned in WordPress), dates as the text the website wrote.
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      multipleStatements: false,
      enableKeepAlive: true,
      maxIdle: settings.poolSize,
      idleTimeout: 60000,
    };
    this.pool = createPool(options);
    // A second guard behind the SELECT-only grant: this session cannot write even if the grant is too wide.
    this.pool.pool.on('connection', (connection) => connection.query('SET SESSION TRANSACTION READ ONLY'));
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    return withDeadline(this.settings.timeoutMs, async () => {
      const [rows] = await this.pool.query({ sql, values: params as unknown[], timeout: this.settings.timeoutMs });
      return rows as SqlRow[];
    });
  }

  async probe(sql: string): Promise<void> {
    await withDeadline(this.settings.timeoutMs, () => this.pool.query({ sql, timeout: this.settings.timeoutMs }), true);
  }

  id(name: string): string {
    return name.split('.').map((part) => `\`${part}\``).join('.');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class PostgresClient extends SqlClient {
  readonly driver = 'postgres' as const;
  private readonly pool: PgPool;

  constructor(private readonly settings: Pick<SqlSourceSettings, 'url' | 'poolSize' | 'timeoutMs'>) {
    super();
    this.pool = new PgPool({
      connectionString: settings.url,
      max: settings.poolSize,
      connectionTimeoutMillis: settings.timeoutMs,
      query_timeout: settings.timeoutMs,
      statement_timeout: settings.timeoutMs,
      idleTimeoutMillis: 60000,
      application_name: 'authbridge-user-source',
      // A second guard behind the SELECT-only grant.
      options: '-c default_transaction_read_only=on',
    });
    // Without a listener an idle connection dropped by the server would crash the process.
    this.pool.on('error', (error) => logger.warn({ msg: 'a pooled user-source connection failed; it will be replaced', error: error.message }));
  }

  query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    return withDeadline(this.settings.timeoutMs, async () => {
      try {
        return (await this.pool.query(text, params as unknown[])).rows as SqlRow[];
      } catch (error) {
        // A value that cannot be of the column's type ("abc" for an integer id) matches no row.
        if ((error as { code?: string }).code === '22P02') return [];
        throw error;
      }
    });
  }

  async probe(sql: string): Promise<void> {
    await withDeadline(this.settings.timeoutMs, () => this.pool.query(sql), true);
  }

  id(name: string): string {
    return name.split('.').map((part) => `"${part}"`).join('.');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A LIKE pattern matching `prefix` literally at the start (both drivers use \ as the escape). */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

/**
 * A failed start-up probe as the setting to fix and words an administrator acts on (no SQL, no
 * password): connection and grant problems are USER_SOURCE_URL's, a missing table or column the
 * setting that named it.
 */
export function probeFailure(error: unknown, what: string, tableSetting: string): ConfigError {
  const e = error as { code?: string; message?: string };
  const because = (setting: string, reason: string) => new ConfigError(setting, `${what} cannot be read: ${reason}`);
  switch (e.code) {
    case 'ER_NO_SUCH_TABLE':
    case '42P01':
      return because(tableSetting, 'the table does not exist');
    case 'ER_BAD_FIELD_ERROR':
    case '42703':
      return because(tableSetting, `a column is missing (${e.message ?? ''})`);
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case '42501':
      // MariaDB says "denied" for a table that does not exist too, so both causes are named.
      return because(tableSetting, 'it does not exist, or this database user may not SELECT it (see the GRANT in the README)');
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_BAD_DB_ERROR':
    case '28P01':
    case '28000':
    case '3D000':
      return because('USER_SOURCE_URL', `the database refused the connection (${e.code})`);
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'TIMEOUT':
    case 'ENOTFOUND':
    case 'PROTOCOL_CONNECTION_LOST':
      return because('USER_SOURCE_URL', `the database does not answer (${e.code})`);
    default:
      return because(tableSetting, `${e.code ?? 'error'}: ${e.message ?? String(error)}`);
  }
}
