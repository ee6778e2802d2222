import { SqlClient, type SqlRow } from './sql-client';
import { JoomlaSource } from './joomla-source';
import { preparePassword } from '@authbridge/passwords';
import { Phpbb3Source, utf8CleanString } from './phpbb3-source';
import { Drupal7Source } from './drupal7-source';
import { BadSourceRow } from '../source-errors';

/** Answers every users query with the given rows and every groups query with none; records parameters. */
class FakeClient extends SqlClient {
  readonly driver = 'mysql' as const;
  params: unknown[][] = [];
  constructor(private readonly rows: SqlRow[]) {
    super();
  }
  async query(sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
    this.params.push([...params]);
    return /AS name FROM/.test(sql) ? [] : this.rows;
  }
  async probe(): Promise<void> {}
  async close(): Promise<void> {}
  id(name: string): string {
    return name.split('.').map((part) => `\`${part}\``).join('.');
  }
}

const settings = (name: string, tablePrefix: string) => ({ name, tablePrefix });
const PRESETS = [
  ['joomla', (rows: SqlRow[]) => new JoomlaSource(new FakeClient(rows), settings('joomla', 'jos_'))],
  ['phpbb3', (rows: SqlRow[]) => new Phpbb3Source(new FakeClient(rows), settings('phpbb3', 'phpbb_'))],
  ['drupal7', (rows: SqlRow[]) => new Drupal7Source(new FakeClient(rows), settings('drupal7', ''))],
] as const;
const good = { id: 7, login: 'jane', email: 'jane@example.org', real_name: 'Jane', pass: '$2y$10$abc', block: 0, user_type: 0, bans: 0, status: 1, registered: null, created: 0 };

describe.each(PRESETS)('%s rows', (_name, make) => {
  it('maps a NULL or empty hash to no hash (the login then fails as a wrong password)', async () => {
    expect((await make([{ ...good, pass: null }]).findById('7'))?.passwordHash).toBeNull();
    expect((await make([{ ...good, pass: '' }]).findById('7'))?.passwordHash).toBeNull();
  });

  it.each([
    ['a 10 MB email', { email: 'x'.repeat(10 * 1024 * 1024) }, /longer than/],
    ['a NUL in the login', { login: 'ja\u0000ne' }, /NUL/],
    ['an id that is no plain id', { id: "7' OR 1=1" }, /plain id/],
    ['a NULL login', { login: null }, /is NULL/],
  ])('refuses %s with a BadSourceRow (never the value in its message)', async (_what, change, reason) => {
    const error = await make([{ ...good, ...change }]).findByEmail('jane@example.org').catch((e) => e);
    expect(error).toBeInstanceOf(BadSourceRow);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('xxxxxxxx');
  });

  it('skips a bad row in a list and keeps the good ones', async () => {
    const page = await make([good, { ...good, id: 8, login: 'bad\u0000' }, { ...good, id: 9, login: 'ok' }]).list({ loginPrefix: '', limit: 10 });
    expect(page.accounts.map((a) => a.externalId)).toEqual(['7', '9']);
    expect(page.bad).toHaveLength(1);
  });

  it('does not query for an id that cannot be the application\'s numeric id', async () => {
    expect(await make([good]).findById('abc')).toBeUndefined();
  });
});

describe('phpBB name and password as phpBB handles them', () => {
  it('looks names up by username_clean (ASCII: lower case, single spaces, trimmed)', () => {
    expect(utf8CleanString('  Jane   SMITH ')).toBe('jane smith');
    expect(utf8CleanString('Ǆemal')).toBe('džemal');
  });

  it('escapes the typed password as phpBB\'s request layer does before hashing', () => {
    expect(new Phpbb3Source(new FakeClient([]), settings('phpbb3', 'phpbb_')).passwordRule.preparation).toBe('phpbb3');
    expect(preparePassword('phpbb3', 'Tom & <Jerry> "x" \'y\'')).toBe('Tom &amp; &lt;Jerry&gt; &quot;x&quot; \'y\'');
    expect(preparePassword('phpbb3', 'a\r\nb\rc\u0000d')).toBe('a\nb\ncd');
  });

  it('queries username_clean with the cleaned form of each spelling', async () => {
    const client = new FakeClient([]);
    await new Phpbb3Source(client, settings('phpbb3', 'phpbb_')).findByLogins(['Jane Smith', 'jane  smith']);
    expect(client.params[0]).toEqual(['jane smith']);
  });
});

describe('Drupal and Joomla status', () => {
  it('Drupal: status 0 is disabled; Joomla: block 1 is, activation alone is not read', async () => {
    expect((await new Drupal7Source(new FakeClient([{ ...good, status: 0 }]), settings('drupal7', '')).findById('7'))?.disabled).toBe(true);
    expect((await new JoomlaSource(new FakeClient([{ ...good, block: 1 }]), settings('joomla', 'j_')).findById('7'))?.disabled).toBe(true);
    expect((await new JoomlaSource(new FakeClient([{ ...good, activation: 'token' }]), settings('joomla', 'j_')).findById('7'))?.disabled).toBe(false);
  });
});
