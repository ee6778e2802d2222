import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { Client } from 'pg';
import { createScratchDatabase } from './scratch-database';

export type PresetApp = 'joomla' | 'phpbb3' | 'drupal7';
export type PresetDriver = 'mysql' | 'postgres';

const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const POSTGRES = process.env.TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test';
/** The tables each preset reads: the reader is granted SELECT on these and nothing else. */
const TABLES: Record<PresetApp, string[]> = {
  joomla: ['users', 'usergroups', 'user_usergroup_map'],
  phpbb3: ['users', 'groups', 'user_group', 'banlist'],
  drupal7: ['users', 'role', 'users_roles'],
};

export interface PresetDatabase {
  /** A SELECT-only user's URL for USER_SOURCE_URL. */
  readerUrl: string;
  prefix: string;
  /** Runs SQL as the administrator, `?` placeholders on both drivers. */
  sql(statement: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Table name with the prefix, quoted for the driver. */
  t(name: string): string;
  /** Runs SQL as the reader (to show what it may not do). */
  asReader(statement: string): Promise<unknown>;
  drop(): Promise<void>;
}

/**
 * The application's tables from test/fixtures/user-sources/<app>.<driver>.sql in a fresh
 * database, with the application's placeholder replaced by `prefix` as its installer does
 * (Joomla `#__`, phpBB `phpbb_`, Drupal `{name}`), and a reader with SELECT on the preset's tables.
 */
export async function createPresetDatabase(app: PresetApp, driver: PresetDriver, prefix: string): Promise<PresetDatabase> {
  const raw = readFileSync(path.resolve(`test/fixtures/user-sources/${app}.${driver}.sql`), 'utf8');
  const sql = raw.replace(/#__/g, prefix).replace(/\bphpbb_/g, prefix).replace(/\{(\w+)\}/g, (_, name) => `${prefix}${name}`);
  const statements = sql.split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean);
  const reader = { user: `fed2_ro_${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex') };
  return driver === 'mysql' ? mariadb(app, prefix, statements, reader) : postgres(app, prefix, statements, reader);
}

async function mariadb(app: PresetApp, prefix: string, statements: string[], reader: { user: string; password: string }): Promise<PresetDatabase> {
  const database = `fed2_${app}_${randomBytes(4).toString('hex')}`;
  const root = await createConnection(MARIADB);
  await root.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  await root.end();
  const admin: Connection = await createConnection({ ...MARIADB, database, charset: 'utf8mb4', dateStrings: true });
  for (const statement of statements) await admin.query(statement);
  for (const host of ['127.0.0.1', 'localhost']) {
    await admin.query(`CREATE USER '${reader.user}'@'${host}' IDENTIFIED BY '${reader.password}'`);
    for (const table of TABLES[app]) await admin.query(`GRANT SELECT ON ${database}.${prefix}${table} TO '${reader.user}'@'${host}'`);
  }
  return {
    readerUrl: `mysql://${reader.user}:${reader.password}@127.0.0.1:3306/${database}`,
    prefix,
    async sql(statement, params = []) {
      const [rows] = await admin.query(statement, params);
      return rows as Array<Record<string, unknown>>;
    },
    t: (name) => `\`${prefix}${name}\``,
    async asReader(statement) {
      const connection = await createConnection({ host: '127.0.0.1', port: 3306, user: reader.user, password: reader.password, database });
      try {
        return await connection.query(statement);
      } finally {
        await connection.end();
      }
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      for (const host of ['127.0.0.1', 'localhost']) await admin.query(`DROP USER IF EXISTS '${reader.user}'@'${host}'`);
      await admin.end();
    },
  };
}

async function postgres(app: PresetApp, prefix: string, statements: string[], reader: { user: string; password: string }): Promise<PresetDatabase> {
  const scratch = await createScratchDatabase(POSTGRES);
  const admin = new Client({ connectionString: scratch.url });
  await admin.connect();
  for (const statement of statements) await admin.query(statement);
  await admin.query(`CREATE ROLE ${reader.user} LOGIN PASSWORD '${reader.password}'`);
  await admin.query(`GRANT SELECT ON ${TABLES[app].map((table) => `"${prefix}${table}"`).join(', ')} TO ${reader.user}`);
  const url = new URL(scratch.url);
  url.username = reader.user;
  url.password = reader.password;
  return {
    readerUrl: url.toString(),
    prefix,
    async sql(statement, params = []) {
      let n = 0;
      return (await admin.query(statement.replace(/\?/g, () => `$${++n}`), params)).rows;
    },
    t: (name) => `"${prefix}${name}"`,
    async asReader(statement) {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return await client.query(statement);
      } finally {
        await client.end();
      }
    },
    async drop() {
      await admin.end();
      await scratch.drop();
      const root = new Client({ connectionString: POSTGRES });
      await root.connect();
      await root.query(`DROP ROLE IF EXISTS ${reader.user}`).finally(() => root.end());
    },
  };
}

/**
 * Hashes made by PHP transcriptions of each application's own code (the vector generator's
 * functions, mediawiki-extension-contract/scripts/generate-app-hash-vectors.php), one PHP run
 * for a whole list of expressions such as `drupalHash('pw')`.
 */
export function phpHashes(expressions: string[]): string[] {
  const script = `require ${JSON.stringify(path.resolve('mediawiki-extension-contract/scripts/generate-app-hash-vectors.php'))}; echo json_encode([${expressions.join(', ')}]);`;
  return JSON.parse(execFileSync('php', ['-r', script], { encoding: 'utf8' }));
}
