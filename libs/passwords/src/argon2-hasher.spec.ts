import { spawnSync } from 'node:child_process';
import { Argon2PasswordHasher } from './argon2-hasher';
import { passwordPolicyViolation } from './password-policy';

describe('Argon2PasswordHasher', () => {
  const owasp = new Argon2PasswordHasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

  it('hashes with argon2id and the configured parameters', async () => {
    const hash = await owasp.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await owasp.verify(hash, 'correct horse')).toEqual({ ok: true, needsRehash: false });
    expect(await owasp.verify(hash, 'wrong horse')).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a rehash when the parameters changed', async () => {
    const weaker = await new Argon2PasswordHasher({ memoryKiB: 8192, timeCost: 1, parallelism: 1 }).hash('pw');
    expect(await owasp.verify(weaker, 'pw')).toEqual({ ok: true, needsRehash: true });
  });

  it('treats an unparseable stored hash as a failed check, not an error', async () => {
    expect(await owasp.verify('$argon2id$garbage', 'pw')).toEqual({ ok: false, needsRehash: false });
    expect(await owasp.verify('plaintext', 'pw')).toEqual({ ok: false, needsRehash: false });
  });

  it('makes one dummy hash with the current parameters', async () => {
    const dummy = await owasp.dummyHash();
    expect(dummy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await owasp.dummyHash()).toBe(dummy);
  });
});

describe('passwordPolicyViolation (NIST SP 800-63B)', () => {
  it.each([
    ['seven chars', '1234abc', /at least 8/],
    ['257 chars', 'x'.repeat(257), /at most 256/],
    ['the user name', 'JaneDoe123', /user name/],
    ['a common password', 'Password1', /commonly used/],
  ])('refuses %s', (_name, password, reason) => {
    expect(passwordPolicyViolation(password, 'janedoe123')).toMatch(reason);
  });

  it.each([['eight chars', 'a1b2c3d4'], ['a passphrase with spaces', 'correct horse battery staple'], ['no composition rules', 'aaaaaaaaaaaa'], ['emoji count as one character each', '🔑🔑🔑🔑🔑🔑🔑🔑']])('accepts %s', (_name, password) => {
    expect(passwordPolicyViolation(password, 'someone')).toBeNull();
  });

  it('writes hashes PHP\'s password_verify accepts (an exported user logs in on a PHP website)', async () => {
    const hash = await new Argon2PasswordHasher({ memoryKiB: 8192, timeCost: 1, parallelism: 1 }).hash('naïve pass 42');
    const php = (password: string) =>
      spawnSync('php', ['-r', 'echo password_verify($argv[1], $argv[2]) ? "yes" : "no";', password, hash], { encoding: 'utf8' }).stdout;
    expect(php('naïve pass 42')).toBe('yes');
    expect(php('naive pass 42')).toBe('no');
  });
});
