import { readFileSync } from 'node:fs';
import { ConfigError } from './app-config';
import { integer, type Env } from './env';

/**
 * Where website accounts come from (SPEC.md, "User sources"). `local` is AuthBridge's own store;
 * `sql` reads the website's database through a preset. Every kind and preset of issue 8 is named
 * here so a setting for one that is not built yet is refused by name instead of half-working.
 */
export type UserSourceSettings = LocalSourceSettings | SqlSourceSettings | HttpSourceSettings;

/** USER_SOURCE=http: the website's own endpoint (SPEC.md "The HTTP user source"). */
export interface HttpSourceSettings {
  kind: 'http';
  /** https://, or http:// to a loopback address only (the secret travels in every request). */
  url: string;
  /** Sent as `Authorization: Bearer <secret>` (USER_SOURCE_SECRET). */
  secret: string;
  name: string;
  /** A call that takes longer fails: the wiki says "unavailable". */
  timeoutMs: number;
  /** A response body larger than this is not read: "unavailable" (USER_SOURCE_MAX_BYTES). */
  maxBytes: number;
}

export interface LocalSourceSettings {
  kind: 'local';
}

export interface SqlSourceSettings {
  kind: 'sql';
  /** mysql://, mariadb:// or postgres:// (USER_SOURCE_URL); credentials of a SELECT-only user. */
  url: string;
  driver: 'mysql' | 'postgres';
  preset: SqlPresetName;
  /** Goes into ids (uuidv5) and into the name mappings: must never change once used (USER_SOURCE_NAME). */
  name: string;
  /** Table prefix of the application (`wp_`); only letters, digits and `_`, since it is part of SQL identifiers. */
  tablePrefix: string;
  /** The custom preset's mapping file, parsed and checked (USER_SOURCE_MAPPING). */
  mapping: CustomMapping | null;
  poolSize: number;
  /** A query (or a connection) that takes longer fails: the wiki says "unavailable". */
  timeoutMs: number;
}

export const USER_SOURCE_KINDS = ['local', 'sql', 'http'] as const;
/** Presets of USER_SOURCE_PRESET; `available` ones are built, the others are refused at start-up. */
export const SQL_PRESETS = ['wordpress', 'custom', 'joomla', 'phpbb3', 'drupal7'] as const;
export type SqlPresetName = (typeof SQL_PRESETS)[number];
const AVAILABLE_PRESETS: readonly string[] = SQL_PRESETS;
/** Table prefixes the applications' installers suggest; Joomla's is random per site, so it has none. */
const DEFAULT_PREFIX: Partial<Record<SqlPresetName, string>> = { wordpress: 'wp_', phpbb3: 'phpbb_', drupal7: '' };

/** Hash families a custom mapping may accept (names of libs/passwords' HashFormat, plus WordPress's plain MD5). */
export const MAPPABLE_HASH_FORMATS = [
  'argon2', 'bcrypt', 'wordpress-bcrypt', 'phpass', 'md5-hex',
  'joomla-md5-salted', 'joomla-sha256', 'phpbb-convert', 'drupal7-sha512', 'drupal7-md5-sha512',
] as const;
export type MappableHashFormat = (typeof MAPPABLE_HASH_FORMATS)[number];

/**
 * USER_SOURCE_MAPPING: how a website's own users table maps to AuthBridge's user. Column and table
 * names are checked as plain identifiers (they go into SQL); `groupsQuery` is SQL the administrator
 * wrote, run with the website user's id as its one parameter `:id`.
 */
export interface CustomMapping {
  table: string;
  columns: {
    id: string;
    login: string;
    email: string | null;
    realName: string | null;
    passwordHash: string;
    /** Non-zero / true means the account is disabled. */
    disabled: string | null;
    createdAt: string | null;
  };
  groupsQuery: string | null;
  passwordFormats: MappableHashFormat[];
  /** Trim spaces around the typed password before checking it, as WordPress does. */
  trimPassword: boolean;
}

/** A SQL identifier, optionally schema-qualified: nothing an attacker (or a typo) can turn into SQL. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}(?:\.[A-Za-z_][A-Za-z0-9_]{0,63})?$/;

export function userSource(env: Env): UserSourceSettings {
  const kind = (env.USER_SOURCE ?? 'local').trim() || 'local';
  if (!(USER_SOURCE_KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError('USER_SOURCE', `must be one of ${USER_SOURCE_KINDS.join(', ')}, got "${kind}"`);
  }
  if (kind === 'local') {
    for (const name of ['USER_SOURCE_URL', 'USER_SOURCE_PRESET', 'USER_SOURCE_MAPPING', 'USER_SOURCE_SECRET']) {
      if (env[name]?.trim()) throw new ConfigError(name, 'is only used with USER_SOURCE=sql or http; set USER_SOURCE too, or remove it');
    }
    return { kind: 'local' };
  }
  if (kind === 'http') return httpSource(env);
  if (env.USER_SOURCE_SECRET?.trim()) throw new ConfigError('USER_SOURCE_SECRET', 'is only used with USER_SOURCE=http');

  const url = (env.USER_SOURCE_URL ?? '').trim();
  if (!url) throw new ConfigError('USER_SOURCE_URL', 'is required with USER_SOURCE=sql (mysql://, mariadb:// or postgres://)');
  const scheme = /^([a-z]+):\/\//.exec(url)?.[1];
  const driver = scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : scheme === 'postgres' || scheme === 'postgresql' ? 'postgres' : null;
  if (!driver) throw new ConfigError('USER_SOURCE_URL', 'must start with mysql://, mariadb:// or postgres://');
  try {
    new URL(url);
  } catch {
    throw new ConfigError('USER_SOURCE_URL', 'is not a valid URL');
  }

  const preset = (env.USER_SOURCE_PRESET ?? '').trim();
  if (!(SQL_PRESETS as readonly string[]).includes(preset)) {
    throw new ConfigError('USER_SOURCE_PRESET', `must be one of ${SQL_PRESETS.join(', ')}${preset ? `, got "${preset}"` : ''}`);
  }
  if (!AVAILABLE_PRESETS.includes(preset)) {
    throw new ConfigError('USER_SOURCE_PRESET', `the ${preset} preset is not available yet in this version; available: ${AVAILABLE_PRESETS.join(', ')}`);
  }

  const mappingFile = (env.USER_SOURCE_MAPPING ?? '').trim();
  if (preset === 'custom' && !mappingFile) throw new ConfigError('USER_SOURCE_MAPPING', 'is required with USER_SOURCE_PRESET=custom (a JSON file)');
  if (preset !== 'custom' && mappingFile) throw new ConfigError('USER_SOURCE_MAPPING', `is only used with USER_SOURCE_PRESET=custom, not ${preset}`);

  const fallback = DEFAULT_PREFIX[preset as SqlPresetName];
  if (env.USER_SOURCE_TABLE_PREFIX === undefined && preset === 'joomla') {
    throw new ConfigError('USER_SOURCE_TABLE_PREFIX', 'is required with USER_SOURCE_PRESET=joomla: Joomla picks a random prefix at install ($dbprefix in configuration.php, e.g. "jos7_")');
  }
  const prefix = env.USER_SOURCE_TABLE_PREFIX ?? fallback ?? '';
  if (!/^[A-Za-z0-9_]{0,32}$/.test(prefix)) throw new ConfigError('USER_SOURCE_TABLE_PREFIX', 'may hold only letters, digits and _ (at most 32)');

  const name = (env.USER_SOURCE_NAME ?? preset).trim();
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(name)) throw new ConfigError('USER_SOURCE_NAME', 'must be 1-32 lower-case letters, digits or -');

  return {
    kind: 'sql',
    url,
    driver,
    preset: preset as SqlPresetName,
    name,
    tablePrefix: prefix,
    mapping: preset === 'custom' ? loadMapping(mappingFile) : null,
    poolSize: integer(env, 'USER_SOURCE_POOL_SIZE', 5, 1, 100),
    timeoutMs: integer(env, 'USER_SOURCE_TIMEOUT_MS', 3000, 100, 60000),
  };
}

function httpSource(env: Env): HttpSourceSettings {
  for (const name of ['USER_SOURCE_PRESET', 'USER_SOURCE_MAPPING', 'USER_SOURCE_TABLE_PREFIX']) {
    if (env[name]?.trim()) throw new ConfigError(name, 'is only used with USER_SOURCE=sql, not http');
  }
  const url = (env.USER_SOURCE_URL ?? '').trim();
  if (!url) throw new ConfigError('USER_SOURCE_URL', 'is required with USER_SOURCE=http (the website\'s endpoint, https://…)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('USER_SOURCE_URL', 'is not a valid URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname) || parsed.hostname.startsWith('127.');
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ConfigError('USER_SOURCE_URL', 'must be https:// (http:// only to a loopback address): every request carries the secret and passwords');
  }
  if (parsed.username || parsed.password) throw new ConfigError('USER_SOURCE_URL', 'must not hold credentials; use USER_SOURCE_SECRET');
  const secret = env.USER_SOURCE_SECRET ?? '';
  if (secret.length < 16 || /\s/.test(secret)) throw new ConfigError('USER_SOURCE_SECRET', 'is required with USER_SOURCE=http: at least 16 characters, no spaces');
  const name = (env.USER_SOURCE_NAME ?? 'http').trim();
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(name)) throw new ConfigError('USER_SOURCE_NAME', 'must be 1-32 lower-case letters, digits or -');
  return {
    kind: 'http',
    url,
    secret,
    name,
    timeoutMs: integer(env, 'USER_SOURCE_TIMEOUT_MS', 3000, 100, 60000),
    maxBytes: integer(env, 'USER_SOURCE_MAX_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
  };
}

const SETTING = 'USER_SOURCE_MAPPING';

function loadMapping(file: string): CustomMapping {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(SETTING, `cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  return parseMapping(raw);
}

/** Checks a mapping (the parsed JSON of USER_SOURCE_MAPPING); every error names the field. */
export function parseMapping(raw: unknown): CustomMapping {
  const fail = (field: string, message: string): never => {
    throw new ConfigError(SETTING, `${field} ${message}`);
  };
  if (!isObject(raw)) return fail('the file', 'must hold a JSON object');
  const known = ['table', 'columns', 'groupsQuery', 'passwordFormats', 'trimPassword'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) fail(`"${key}"`, `is not a mapping field (known: ${known.join(', ')})`);
  const identifier = (field: string, value: unknown, required: boolean): string | null => {
    if (value === undefined || value === null) return required ? fail(field, 'is required') : null;
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) return fail(field, 'must be a table or column name (letters, digits, _; schema.name allowed)');
    return value;
  };
  const table = identifier('table', raw.table, true)!;
  if (!isObject(raw.columns)) return fail('columns', 'must be an object');
  const columnNames = ['id', 'login', 'email', 'realName', 'passwordHash', 'disabled', 'createdAt'];
  for (const key of Object.keys(raw.columns)) if (!columnNames.includes(key)) fail(`columns.${key}`, `is not a column of the mapping (known: ${columnNames.join(', ')})`);
  const c = raw.columns;
  const columns = {
    id: identifier('columns.id', c.id, true)!,
    login: identifier('columns.login', c.login, true)!,
    email: identifier('columns.email', c.email, false),
    realName: identifier('columns.realName', c.realName, false),
    passwordHash: identifier('columns.passwordHash', c.passwordHash, true)!,
    disabled: identifier('columns.disabled', c.disabled, false),
    createdAt: identifier('columns.createdAt', c.createdAt, false),
  };
  let groupsQuery: string | null = null;
  if (raw.groupsQuery !== undefined && raw.groupsQuery !== null) {
    if (typeof raw.groupsQuery !== 'string' || !/^\s*select\b/i.test(raw.groupsQuery)) fail('groupsQuery', 'must be a SELECT statement');
    const query = raw.groupsQuery as string;
    if ((query.match(/:id\b/g) ?? []).length !== 1) fail('groupsQuery', 'must use the parameter :id exactly once');
    if (/[;?$]/.test(query)) fail('groupsQuery', 'must be one statement without ; ? or $ (use :id for the user id)');
    groupsQuery = query;
  }
  const formats = raw.passwordFormats;
  if (!Array.isArray(formats) || formats.length === 0) return fail('passwordFormats', `must list the hash formats the website writes (${MAPPABLE_HASH_FORMATS.join(', ')})`);
  for (const format of formats) {
    if (!(MAPPABLE_HASH_FORMATS as readonly unknown[]).includes(format)) fail('passwordFormats', `has an unknown format "${String(format)}" (known: ${MAPPABLE_HASH_FORMATS.join(', ')})`);
  }
  if (raw.trimPassword !== undefined && typeof raw.trimPassword !== 'boolean') fail('trimPassword', 'must be true or false');
  return { table, columns, groupsQuery, passwordFormats: [...new Set(formats as MappableHashFormat[])], trimPassword: raw.trimPassword === true };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
