import { createHash, pbkdf2Sync } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { Argon2PasswordHasher } from '../argon2-hasher';
import { MultiFormatPasswordHasher } from '../multi-format-hasher';
import { recognizeHashFormat } from './hash-formats';
import { verifyPhpass } from './phpass';

const PASSWORD = 'correct horse battery staple';
class CountingArgon2Hasher extends Argon2PasswordHasher {
  checks = 0;
  override verify(hash: string, password: string) {
    this.checks++;
    return super.verify(hash, password);
  }
}

const current = new CountingArgon2Hasher({ memoryKiB: 8192, timeCost: 1, parallelism: 1 });
const hasher = new MultiFormatPasswordHasher(current);

describe('MultiFormatPasswordHasher', () => {
  it('hashes with the current argon2id parameters and does not ask to rehash its own hashes', async () => {
    const hash = await hasher.hash(PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,(t=1,p=1|p=1,t=1)\$/);
    expect(await hasher.verify(hash, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await hasher.verify(hash, 'wrong')).toEqual({ ok: false, needsRehash: false });
  });

  it('asks to rehash argon2i even with the current parameters', async () => {
    const argon2 = await import('argon2');
    const argon2i = await argon2.hash(PASSWORD, { type: argon2.argon2i, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(recognizeHashFormat(argon2i)).toBe('argon2');
    expect(await hasher.verify(argon2i, PASSWORD)).toEqual({ ok: true, needsRehash: true });
  });

  it.each([
    ['bcrypt $2b$ made by node', () => bcrypt.hashSync(PASSWORD, 4)],
    ['bcrypt $2y$ (PHP) spelling of the same hash', () => bcrypt.hashSync(PASSWORD, 4).replace(/^\$2b\$/, '$2y$')],
    ['MediaWiki :B:', () => `:B:1234:${md5(`1234-${md5(PASSWORD)}`)}`],
    ['MediaWiki :A: unsalted', () => `:A:${md5(PASSWORD)}`],
    ['MediaWiki :pbkdf2: sha256', () => `:pbkdf2:sha256:1000:32:${Buffer.from('salt').toString('base64')}:${pbkdf2Sync(PASSWORD, 'salt', 1000, 32, 'sha256').toString('base64')}`],
    ['MediaWiki :bcrypt:', () => {
      const php = bcrypt.hashSync(PASSWORD, 5);
      return `:bcrypt:05$${php.slice(7, 29)}$${php.slice(29)}`;
    }],
  ])('verifies %s and asks for a rehash', async (_name, make) => {
    const hash = make();
    expect(recognizeHashFormat(hash)).not.toBeNull();
    expect(await hasher.verify(hash, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    expect(await hasher.verify(hash, PASSWORD.toUpperCase())).toEqual({ ok: false, needsRehash: false });
  });

  it.each([
    ['a bcrypt cost above 31', `$2y$32$${'a'.repeat(53)}`],
    ['argon2 asking for 4 GiB', '$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'],
    ['phpass with 2^30 rounds', `$P$S${'a'.repeat(30)}`],
    ['pbkdf2 with an unknown digest', ':pbkdf2:whirlpool:1000:64:c2FsdA==:aGFzaA=='],
    ['pbkdf2 whose hash is shorter than its length', `:pbkdf2:sha512:1000:64:c2FsdA==:${Buffer.alloc(32).toString('base64')}`],
    ['pbkdf2 with 10^9 rounds', `:pbkdf2:sha1:999999999:20:c2FsdA==:${Buffer.alloc(20).toString('base64')}`],
    ['a :B: hash without salt', `:B:${md5(PASSWORD)}`],
    ['DES crypt', 'abJnggxhB/yWI'],
    ['null bytes', '\u0000'.repeat(60)],
  ])('refuses %s without throwing', async (_name, hash) => {
    expect(recognizeHashFormat(hash)).toBeNull();
    await expect(hasher.verify(hash, PASSWORD)).resolves.toEqual({ ok: false, needsRehash: false });
  });

  it('spends an argon2id check on a wrong password for a cheap legacy hash, like for an unknown user', async () => {
    current.checks = 0;
    await hasher.verify(`:A:${md5(PASSWORD)}`, 'wrong');
    expect(current.checks).toBe(1);
    await hasher.verify(`:A:${md5(PASSWORD)}`, PASSWORD);
    expect(current.checks).toBe(1);
  });
});

describe('phpass portable hashes', () => {
  // From the phpass 0.5 test suite (test.php) and WordPress's tests/phpunit/tests/auth.php.
  it.each([
    ['test12345', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'],
    ['test12345', '$H$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'],
  ])('verifies the reference hash of %j (%s)', (password, hash) => {
    expect(verifyPhpass(hash, password)).toBe(true);
    expect(verifyPhpass(hash, `${password}x`)).toBe(false);
  });
});

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
