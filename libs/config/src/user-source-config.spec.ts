import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

const SQL = { USER_SOURCE: 'sql', USER_SOURCE_URL: 'mysql://reader:pw@127.0.0.1/wordpress', USER_SOURCE_PRESET: 'wordpress' };

function mappingFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ab-mapping-')), 'mapping.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const GOOD_MAPPING = {
  table: 'members',
  columns: { id: 'member_id', login: 'login', email: 'email', passwordHash: 'pass', disabled: 'blocked' },
  groupsQuery: 'SELECT g.name FROM member_groups g WHERE g.member_id = :id',
  passwordFormats: ['bcrypt', 'argon2'],
};

describe('USER_SOURCE settings', () => {
  it('defaults to local', () => {
    expect(loadConfig({}).userSource).toEqual({ kind: 'local' });
  });

  it('reads the wordpress preset with its defaults', () => {
    expect(loadConfig(SQL).userSource).toEqual({
      kind: 'sql', url: SQL.USER_SOURCE_URL, driver: 'mysql', preset: 'wordpress', name: 'wordpress', tablePrefix: 'wp_', mapping: null, poolSize: 5, timeoutMs: 3000,
    });
    expect(loadConfig({ ...SQL, USER_SOURCE_URL: 'postgres://r@h/db', USER_SOURCE_TABLE_PREFIX: 'blog_' }).userSource).toMatchObject({ driver: 'postgres', tablePrefix: 'blog_' });
  });

  it('reads the joomla, phpbb3 and drupal7 presets with their prefixes', () => {
    expect(loadConfig({ ...SQL, USER_SOURCE_PRESET: 'joomla', USER_SOURCE_TABLE_PREFIX: 'jos7_' }).userSource).toMatchObject({ preset: 'joomla', name: 'joomla', tablePrefix: 'jos7_' });
    expect(loadConfig({ ...SQL, USER_SOURCE_PRESET: 'phpbb3' }).userSource).toMatchObject({ preset: 'phpbb3', name: 'phpbb3', tablePrefix: 'phpbb_' });
    expect(loadConfig({ ...SQL, USER_SOURCE_PRESET: 'drupal7' }).userSource).toMatchObject({ preset: 'drupal7', name: 'drupal7', tablePrefix: '' });
    expect(loadConfig({ ...SQL, USER_SOURCE_PRESET: 'drupal7', USER_SOURCE_TABLE_PREFIX: 'd7_' }).userSource).toMatchObject({ tablePrefix: 'd7_' });
  });

  it('reads the http source', () => {
    expect(loadConfig({ USER_SOURCE: 'http', USER_SOURCE_URL: 'https://example.org/authbridge.php', USER_SOURCE_SECRET: 's'.repeat(20) }).userSource).toEqual({
      kind: 'http', url: 'https://example.org/authbridge.php', secret: 's'.repeat(20), name: 'http', timeoutMs: 3000, maxBytes: 262144,
    });
    expect(loadConfig({ USER_SOURCE: 'http', USER_SOURCE_URL: 'http://127.0.0.1:8080/x', USER_SOURCE_SECRET: 's'.repeat(20), USER_SOURCE_TIMEOUT_MS: '500' }).userSource).toMatchObject({ timeoutMs: 500 });
  });

  it('reads a custom mapping file', () => {
    const config = loadConfig({ ...SQL, USER_SOURCE_PRESET: 'custom', USER_SOURCE_MAPPING: mappingFile(GOOD_MAPPING) });
    expect(config.userSource).toMatchObject({ preset: 'custom', name: 'custom', tablePrefix: '', mapping: { table: 'members', trimPassword: false, passwordFormats: ['bcrypt', 'argon2'] } });
  });

  it.each([
    [{ USER_SOURCE: 'ldap' }, /^USER_SOURCE: must be one of local, sql, http/],
    [{ USER_SOURCE: 'http' }, /^USER_SOURCE_URL: is required with USER_SOURCE=http/],
    [{ USER_SOURCE: 'http', USER_SOURCE_URL: 'http://example.org/auth', USER_SOURCE_SECRET: 's'.repeat(20) }, /^USER_SOURCE_URL: must be https:\/\//],
    [{ USER_SOURCE: 'http', USER_SOURCE_URL: 'https://example.org/auth' }, /^USER_SOURCE_SECRET: is required/],
    [{ USER_SOURCE: 'http', USER_SOURCE_URL: 'https://example.org/auth', USER_SOURCE_SECRET: 'short' }, /^USER_SOURCE_SECRET: is required/],
    [{ USER_SOURCE: 'http', USER_SOURCE_URL: 'https://example.org/auth', USER_SOURCE_SECRET: 's'.repeat(20), USER_SOURCE_PRESET: 'wordpress' }, /^USER_SOURCE_PRESET: is only used with USER_SOURCE=sql/],
    [{ ...SQL, USER_SOURCE_SECRET: 's'.repeat(20) }, /^USER_SOURCE_SECRET: is only used with USER_SOURCE=http/],
    [{ USER_SOURCE_URL: 'mysql://x@y/z' }, /^USER_SOURCE_URL: is only used with USER_SOURCE=sql/],
    [{ ...SQL, USER_SOURCE_URL: '' }, /^USER_SOURCE_URL: is required/],
    [{ ...SQL, USER_SOURCE_URL: 'sqlite:./x' }, /^USER_SOURCE_URL: must start with mysql/],
    [{ ...SQL, USER_SOURCE_PRESET: '' }, /^USER_SOURCE_PRESET: must be one of/],
    [{ ...SQL, USER_SOURCE_PRESET: 'joomla' }, /^USER_SOURCE_TABLE_PREFIX: is required with USER_SOURCE_PRESET=joomla/],
    [{ ...SQL, USER_SOURCE_TABLE_PREFIX: 'wp_; DROP TABLE x' }, /^USER_SOURCE_TABLE_PREFIX: may hold only/],
    [{ ...SQL, USER_SOURCE_NAME: 'Word Press' }, /^USER_SOURCE_NAME: /],
    [{ ...SQL, USER_SOURCE_TIMEOUT_MS: '10' }, /^USER_SOURCE_TIMEOUT_MS: must be between/],
    [{ ...SQL, USER_SOURCE_PRESET: 'custom' }, /^USER_SOURCE_MAPPING: is required/],
    [{ ...SQL, USER_SOURCE_MAPPING: '/x.json' }, /^USER_SOURCE_MAPPING: is only used with USER_SOURCE_PRESET=custom/],
  ])('refuses %j naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['not JSON', '{', /cannot read .* as JSON/],
    ['an unknown field', { ...GOOD_MAPPING, extra: 1 }, /"extra" is not a mapping field/],
    ['a table name with SQL in it', { ...GOOD_MAPPING, table: 'members; drop table x' }, /table must be a table or column name/],
    ['a column name with a quote', { ...GOOD_MAPPING, columns: { ...GOOD_MAPPING.columns, login: 'lo"gin' } }, /columns.login must be/],
    ['a missing hash column', { ...GOOD_MAPPING, columns: { id: 'id', login: 'login' } }, /columns.passwordHash is required/],
    ['an unknown column key', { ...GOOD_MAPPING, columns: { ...GOOD_MAPPING.columns, phone: 'p' } }, /columns.phone is not a column/],
    ['a groups query that is not a SELECT', { ...GOOD_MAPPING, groupsQuery: 'DELETE FROM x WHERE id = :id' }, /groupsQuery must be a SELECT/],
    ['a groups query with two statements', { ...GOOD_MAPPING, groupsQuery: 'SELECT 1 WHERE 1 = :id; DELETE FROM x' }, /one statement/],
    ['a groups query without :id', { ...GOOD_MAPPING, groupsQuery: 'SELECT name FROM g' }, /:id exactly once/],
    ['no password formats', { ...GOOD_MAPPING, passwordFormats: [] }, /passwordFormats must list/],
    ['an unknown password format', { ...GOOD_MAPPING, passwordFormats: ['rot13'] }, /unknown format "rot13"/],
  ])('refuses a mapping with %s, naming USER_SOURCE_MAPPING', (_what, content, message) => {
    const env = { ...SQL, USER_SOURCE_PRESET: 'custom', USER_SOURCE_MAPPING: mappingFile(content) };
    expect(() => loadConfig(env)).toThrow(/^USER_SOURCE_MAPPING: /);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
