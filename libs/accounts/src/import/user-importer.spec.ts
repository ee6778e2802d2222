import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyselyUserImportRepository, KyselyUserRepository, migrateToLatest, openDatabase, type Db } from '@authbridge/storage';
import { Clock } from '../clock';
import { UserImporter } from './user-importer';

class FixedClock extends Clock {
  constructor(public time = new Date('2026-01-01T00:00:00.000Z')) {
    super();
  }
  now(): Date {
    return this.time;
  }
}

const HEADER = 'username,email,realName,groups,passwordHash,disabled,emailVerified';
const B_HASH = ':B:1234:0123456789abcdef0123456789abcdef';
const A_HASH = ':A:0123456789abcdef0123456789abcdef';

describe('UserImporter (SQLite)', () => {
  let dir: string;
  let db: Db;
  let clock: FixedClock;
  let importer: UserImporter;
  let users: KyselyUserRepository;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'authbridge-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    db = openDatabase('sqlite::memory:').db;
    await migrateToLatest(db);
    clock = new FixedClock();
    importer = new UserImporter(new KyselyUserImportRepository(db), clock);
    users = new KyselyUserRepository(db);
  });
  afterEach(() => db.destroy());

  it('creates users from CSV, with quoting, a BOM and groups separated by | or ;', async () => {
    const path = file('a.csv', `\uFEFF${HEADER}\nalice,alice@example.org,"Smith, Alice",staff|editors,${B_HASH},false,true\n"bob",,"Bob\nthe builder",a;b,,1,\n`);
    const summary = await importer.importFile(path);
    expect(summary).toMatchObject({ format: 'csv', rows: 2, created: 2, updated: 0, unchanged: 0, skipped: 0 });
    expect(await users.findByUsername('Alice')).toMatchObject({ realName: 'Smith, Alice', groups: ['editors', 'staff'], emailVerified: true, disabled: false, passwordHash: B_HASH });
    expect(await users.findByUsername('Bob')).toMatchObject({ realName: 'Bob\nthe builder', email: null, groups: ['a', 'b'], disabled: true, passwordHash: null });
  });

  it('reads JSON Lines, by extension or --format', async () => {
    const text = [
      JSON.stringify({ username: 'carol', email: 'c@example.org', groups: ['x'], disabled: false, emailVerified: true, passwordHash: A_HASH }),
      '',
      JSON.stringify({ username: 'dave', realName: 'Dave' }),
    ].join('\n');
    expect(await importer.importFile(file('a.jsonl', text))).toMatchObject({ format: 'jsonl', rows: 2, created: 2, skipped: 0 });
    expect(await importer.importFile(file('a.txt', text), { format: 'jsonl' })).toMatchObject({ unchanged: 2 });
    expect(await users.findByUsername('Carol')).toMatchObject({ groups: ['x'], emailVerified: true, passwordHash: A_HASH });
  });

  it('skips bad lines with their line number and reason, and imports the rest', async () => {
    const path = file('bad.csv', [
      HEADER,
      `ok,ok@example.org,,,,,`,
      `bad|name,,,,,,`,
      `eve,not-an-email,,,,,`,
      `frank,,,,$1$md5crypt$xxxxxxxxxxxxxxxxxxxxxx,,`,
      `Ok,,,,,,`,
      `gina,,,,,,,`,
      `hank,,,,,maybe,`,
    ].join('\n'));
    const summary = await importer.importFile(path);
    expect(summary).toMatchObject({ rows: 7, created: 1, skipped: 6 });
    expect(summary.skippedLines).toEqual([
      { line: 3, username: 'bad|name', reason: expect.stringMatching(/^invalid user name/) },
      { line: 4, username: 'eve', reason: 'invalid email' },
      { line: 5, username: 'frank', reason: 'unknown password hash format' },
      { line: 6, username: 'Ok', reason: 'the same user name as line 2' },
      { line: 7, reason: '8 fields where the header has 7' },
      { line: 8, username: 'hank', reason: 'disabled must be true or false' },
    ]);
    expect(JSON.stringify(summary)).not.toContain('md5crypt');
  });

  it('finds a repeated name in a later batch, and skips it again on every run', async () => {
    const path = file('dup.csv', `${HEADER}\nalice,a1@example.org,,,,,\nbob,,,,,,\ncarol,,,,,,\nAlice_,a2@example.org,,,,,\n`);
    for (const run of [1, 2]) {
      const summary = await importer.importFile(path, { batchSize: 2 });
      expect(summary).toMatchObject(run === 1 ? { created: 3, skipped: 1 } : { unchanged: 3, skipped: 1 });
      expect(summary.skippedLines).toEqual([{ line: 5, username: 'Alice_', reason: 'the same user name as line 2' }]);
    }
    expect((await users.findByUsername('Alice'))?.email).toBe('a1@example.org');
  });

  it('does not rewrite unchanged rows: updatedAt stays, and changed fields alone are updated', async () => {
    const path = file('u.csv', `${HEADER}\nalice,a@example.org,Alice,staff,${B_HASH},false,true\nbob,b@example.org,Bob,,,false,false\n`);
    await importer.importFile(path);
    const before = await users.findByUsername('Alice');
    clock.time = new Date('2026-02-01T00:00:00.000Z');
    expect(await importer.importFile(path)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await users.findByUsername('Alice')).toEqual(before);

    writeFileSync(path, `${HEADER}\nalice,a@example.org,Alice A,staff,${B_HASH},false,true\nbob,b@example.org,Bob,,,false,false\n`);
    expect(await importer.importFile(path)).toMatchObject({ updated: 1, unchanged: 1 });
    expect(await users.findByUsername('Alice')).toEqual({ ...before, realName: 'Alice A', updatedAt: '2026-02-01T00:00:00.000Z' });
  });

  it('leaves fields the file lacks alone on existing users', async () => {
    await importer.importFile(file('full.csv', `${HEADER}\nalice,a@example.org,Alice,staff,${B_HASH},false,true\n`));
    expect(await importer.importFile(file('names.csv', 'username,realName\nalice,Alice A\n'))).toMatchObject({ updated: 1 });
    expect(await users.findByUsername('Alice')).toMatchObject({ email: 'a@example.org', realName: 'Alice A', groups: ['staff'], emailVerified: true, passwordHash: B_HASH });
  });

  it('changes the password only when the source hash changed, never undoing a rehash', async () => {
    const path = file('p.csv', `username,passwordHash\nalice,${B_HASH}\n`);
    await importer.importFile(path);
    // What CredentialVerifier does at the next login.
    await users.update('Alice', { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA' }, clock.now().toISOString());
    expect(await importer.importFile(path)).toMatchObject({ unchanged: 1 });
    expect((await users.findByUsername('Alice'))?.passwordHash).toMatch(/^\$argon2id\$/);

    writeFileSync(path, `username,passwordHash\nalice,${A_HASH}\n`);
    expect(await importer.importFile(path)).toMatchObject({ updated: 1 });
    expect((await users.findByUsername('Alice'))?.passwordHash).toBe(A_HASH);
  });

  it('stores the passwordPreparation with the hash, and skips an unknown one with its line and reason', async () => {
    const path = file('prep.jsonl', [
      JSON.stringify({ username: 'tom', passwordHash: B_HASH, passwordPreparation: 'phpbb3' }),
      JSON.stringify({ username: 'wendy', passwordHash: A_HASH, passwordPreparation: 'wordpress-magic' }),
      JSON.stringify({ username: 'una', passwordHash: A_HASH }),
    ].join('\n'));
    const summary = await importer.importFile(path);
    expect(summary).toMatchObject({ rows: 3, created: 2, skipped: 1 });
    expect(summary.skippedLines).toEqual([{ line: 2, username: 'wendy', reason: 'passwordPreparation must be one of phpbb3, trim' }]);
    expect(await users.findByUsername('Tom')).toMatchObject({ passwordHash: B_HASH, passwordPreparation: 'phpbb3' });
    expect(await users.findByUsername('Una')).toMatchObject({ passwordHash: A_HASH, passwordPreparation: null });
    expect(await users.findByUsername('Wendy')).toBeUndefined();
  });

  it('a CSV file may leave passwordPreparation out, or carry it as a column', async () => {
    await importer.importFile(file('a.csv', `username,passwordHash,passwordPreparation\nwendy,${A_HASH},trim\nvic,${B_HASH},\n`));
    expect(await users.findByUsername('Wendy')).toMatchObject({ passwordHash: A_HASH, passwordPreparation: 'trim' });
    expect(await users.findByUsername('Vic')).toMatchObject({ passwordHash: B_HASH, passwordPreparation: null });
    // Without the column, the same hash keeps the preparation stored with it.
    expect(await importer.importFile(file('b.csv', `username,passwordHash\nwendy,${A_HASH}\n`))).toMatchObject({ unchanged: 1 });
    expect(await users.findByUsername('Wendy')).toMatchObject({ passwordPreparation: 'trim' });
  });

  it('a newer export names the preparation of a hash imported without one; a rehash or a new password clears it for good', async () => {
    await importer.importFile(file('old.jsonl', JSON.stringify({ username: 'tom', passwordHash: B_HASH })));
    const path = file('new.jsonl', JSON.stringify({ username: 'tom', passwordHash: B_HASH, passwordPreparation: 'phpbb3' }));
    expect(await importer.importFile(path)).toMatchObject({ updated: 1 });
    expect(await users.findByUsername('Tom')).toMatchObject({ passwordHash: B_HASH, passwordPreparation: 'phpbb3' });
    // The rehash at the first login, then the same file again: the argon2id hash and no preparation stay.
    expect(await users.replacePasswordHash('Tom', B_HASH, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', clock.now().toISOString())).toBe(true);
    expect(await users.findByUsername('Tom')).toMatchObject({ passwordHash: expect.stringMatching(/^\$argon2id\$/), passwordPreparation: null });
    expect(await importer.importFile(path)).toMatchObject({ unchanged: 1 });
    expect(await users.findByUsername('Tom')).toMatchObject({ passwordHash: expect.stringMatching(/^\$argon2id\$/), passwordPreparation: null });
    // A password set here (API, CLI) clears it too.
    await importer.importFile(file('other.jsonl', JSON.stringify({ username: 'una', passwordHash: A_HASH, passwordPreparation: 'trim' })));
    await users.update('Una', { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA' }, clock.now().toISOString());
    expect(await users.findByUsername('Una')).toMatchObject({ passwordPreparation: null });
  });

  it.each([
    ['an unknown column', 'username,password\nalice,secret\n', /column 2 of the first row is not a column name/],
    ['no username column', 'email\na@example.org\n', /including username/],
    ['an empty file', '', /empty/],
  ])('refuses a CSV file with %s', async (_name, text, message) => {
    await expect(importer.importFile(file('x.csv', text))).rejects.toThrow(message);
  });

  it('skips a record whose quote is never closed', async () => {
    const summary = await importer.importFile(file('q.csv', `${HEADER}\nann,,,,,,\n"bea,,,,,,\ncid,,,,,,\n`));
    expect(summary).toMatchObject({ created: 1, skipped: 1 });
    expect(summary.skippedLines).toEqual([{ line: expect.any(Number), reason: 'malformed CSV (CSV_QUOTE_NOT_CLOSED)' }]);
  });

  it('refuses a file whose format it cannot tell', async () => {
    await expect(importer.importFile(file('users.xlsx', ''))).rejects.toThrow(/--format/);
  });

  it('skips JSON Lines that are not objects or carry unknown keys', async () => {
    const path = file('b.jsonl', ['{"username":"ann"}', '{oops', '[1]', '{"username":"bea","password":"x"}'].join('\n'));
    const summary = await importer.importFile(path);
    expect(summary).toMatchObject({ created: 1, skipped: 3 });
    expect(summary.skippedLines.map((s) => [s.line, s.reason])).toEqual([[2, 'not valid JSON'], [3, 'not a JSON object'], [4, 'unknown field "password"']]);
  });

  it('reports progress after each batch', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `user ${i},,,,,,`);
    const path = file('p.csv', `${HEADER}\n${lines.join('\n')}\n`);
    const seen: number[] = [];
    await importer.importFile(path, { batchSize: 10, onProgress: (p) => seen.push(p.rows) });
    expect(seen.length).toBe(3);
    expect(seen[seen.length - 1]).toBe(25);
  });
});
