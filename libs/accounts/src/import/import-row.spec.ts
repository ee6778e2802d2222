import { parseImportRow } from './import-row';

const BCRYPT = '$2y$04$nrU.iE/Nzkw6Q3OajSzMzOwiQ1CkoIskQjnQ84QbLKtEwnYtJb21a';

describe('parseImportRow', () => {
  it('canonicalises the name and keeps only the fields the file carries', () => {
    const row = parseImportRow({ username: ' alice_smith ', email: 'alice@example.org' });
    expect(row).toEqual({ ok: true, user: { username: 'Alice smith', profile: { email: 'alice@example.org' } } });
  });

  it('reads every field of a CSV line', () => {
    const row = parseImportRow({ username: 'bob', email: '', realName: 'Bob B', groups: 'staff| editors;staff', passwordHash: BCRYPT, disabled: 'yes', emailVerified: '0' });
    expect(row).toEqual({
      ok: true,
      user: {
        username: 'Bob',
        profile: { email: null, realName: 'Bob B', groups: ['editors', 'staff'], disabled: true, emailVerified: false },
        passwordHash: { hash: BCRYPT, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    });
  });

  it('reads JSON values: arrays, booleans and null', () => {
    const row = parseImportRow({ username: 'Carol', email: null, groups: ['b', 'a'], disabled: false, emailVerified: true, passwordHash: null });
    expect(row).toEqual({ ok: true, user: { username: 'Carol', profile: { email: null, groups: ['a', 'b'], disabled: false, emailVerified: true } } });
  });

  it('treats an empty passwordHash as "keep the password"', () => {
    const row = parseImportRow({ username: 'Dave', passwordHash: '  ' });
    expect(row.ok && row.user.passwordHash).toBeUndefined();
  });

  it.each([
    ['an invalid user name', { username: 'a|b' }, /^invalid user name: /],
    ['an IP address as user name', { username: '127.0.0.1' }, /^invalid user name: /],
    ['a missing user name', { email: 'x@example.org' }, /username must be a string/],
    ['an invalid email', { username: 'Eve', email: 'not-an-email' }, /^invalid email$/],
    ['an unknown hash format', { username: 'Eve', passwordHash: '$1$abc$def' }, /^unknown password hash format$/],
    ['a truncated bcrypt hash', { username: 'Eve', passwordHash: BCRYPT.slice(0, 40) }, /^unknown password hash format$/],
    ['a flag that is not a boolean', { username: 'Eve', disabled: 'maybe' }, /disabled must be true or false/],
    ['a number where a string belongs', { username: 'Eve', realName: 42 }, /realName must be a string/],
    ['too many groups', { username: 'Eve', groups: Array.from({ length: 101 }, (_, i) => `g${i}`).join('|') }, /more than 100 groups/],
    ['a long group name', { username: 'Eve', groups: 'x'.repeat(65) }, /longer than 64/],
    ['a NUL in a field', { username: 'Eve', realName: 'a\u0000b' }, /NUL/],
  ])('skips %s', (_name, fields, reason) => {
    const row = parseImportRow(fields);
    expect(row.ok).toBe(false);
    if (!row.ok) expect(row.reason).toMatch(reason);
  });

  it('keeps the passwordPreparation a source export names beside the hash; empty means none', () => {
    const phpbb = parseImportRow({ username: 'Tom', passwordHash: BCRYPT, passwordPreparation: 'phpbb3' });
    expect(phpbb.ok && phpbb.user.passwordHash).toEqual({ hash: BCRYPT, sha256: expect.any(String), preparation: 'phpbb3' });
    const csv = parseImportRow({ username: 'Tom', passwordHash: BCRYPT, passwordPreparation: ' ' });
    expect(csv.ok && csv.user.passwordHash).toEqual({ hash: BCRYPT, sha256: expect.any(String), preparation: null });
    const absent = parseImportRow({ username: 'Tom', passwordHash: BCRYPT });
    expect(absent.ok && absent.user.passwordHash).toEqual({ hash: BCRYPT, sha256: expect.any(String) });
  });

  it.each([
    ['an unknown name', 'md5'],
    ['a name in another case', 'PHPBB3'],
    ['a number', 3],
  ])('refuses a passwordPreparation that is %s (its users would fail with the right password)', (_name, value) => {
    const row = parseImportRow({ username: 'Tom', passwordHash: BCRYPT, passwordPreparation: value });
    expect(row).toEqual({ ok: false, reason: typeof value === 'string' ? 'passwordPreparation must be one of phpbb3, trim' : 'passwordPreparation must be a string' });
  });

  it('refuses a passwordPreparation without a hash to go with it', () => {
    expect(parseImportRow({ username: 'Tom', passwordPreparation: 'trim' })).toEqual({ ok: false, reason: 'passwordPreparation without a passwordHash' });
  });

  it('never quotes the hash in a reason', () => {
    const secretish = '$2y$04$thisisnotarealhashbutlookslikeone';
    const row = parseImportRow({ username: 'Eve', passwordHash: secretish });
    expect(JSON.stringify(row)).not.toContain('thisisnotareal');
  });
});
