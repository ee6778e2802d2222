import { createHash, pbkdf2Sync } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { Argon2PasswordHasher } from '../argon2-hasher';
import { MultiFormatPasswordHasher } from '../multi-format-hasher';
import { COST_BOUNDS, MAX_LEGACY_PASSWORD_BYTES, inspectHash, recognizeHashFormat } from './hash-formats';
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
  ])('verifies the reference hash of %j (%s)', async (password, hash) => {
    expect(await verifyPhpass(hash, password)).toBe(true);
    expect(await verifyPhpass(hash, `${password}x`)).toBe(false);
  });

  it('runs 2^15 rounds (Joomla\'s $P$D) on a worker thread, not on the event loop', async () => {
    const hash = phpassHash(PASSWORD, 'D', 'abcdefgh');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const checks = await Promise.all([verifyPhpass(hash, PASSWORD), verifyPhpass(hash, 'wrong')]);
    clearInterval(timer);
    expect(checks).toEqual([true, false]);
    expect(recognizeHashFormat(hash)).toBe('phpass');
    // The loop kept turning while the digests ran (a synchronous loop would give 0 or 1 tick).
    expect(ticks).toBeGreaterThan(1);
  });
});

describe('COST_BOUNDS (hostile hash parameters, issue 10 item 1)', () => {
  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
  const argon2 = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g`;
  const bcryptOf = (cost: number) => `$2y$${String(cost).padStart(2, '0')}$${'a'.repeat(53)}`;
  const pbkdf2Of = (rounds: number, bytes: number) => `:pbkdf2:sha512:${rounds}:${bytes}:${b64(16)}:${b64(bytes)}`;
  const layeredOf = (rounds: number, bytes: number) => `:pbkdf2-legacyB:!sha1:${rounds}:${bytes}!1234!${b64(16)}!${b64(bytes)}`;
  const phpassOf = (log2: number) => `$P$${'./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[log2]}${'a'.repeat(30)}`;
  const mwBcryptOf = (cost: number) => `:bcrypt:${String(cost).padStart(2, '0')}$${'a'.repeat(22)}$${'a'.repeat(31)}`;

  it('states the bounds', () => {
    expect(COST_BOUNDS).toEqual({
      bcrypt: { minCost: 4, maxCost: 13 },
      argon2: { maxMemoryKiB: 262144, minTime: 1, maxTime: 10, minParallelism: 1, maxParallelism: 8 },
      pbkdf2: { minRounds: 1, maxRounds: 1_000_000, minBytes: 16, maxBytes: 64 },
      phpass: { minLog2: 7, maxLog2: 15 },
      drupal: { minLog2: 7, maxLog2: 17 },
    });
    expect(MAX_LEGACY_PASSWORD_BYTES).toBe(4096);
  });

  it.each([
    ['bcrypt cost 4', bcryptOf(4), 'bcrypt'],
    ['bcrypt cost 13', bcryptOf(13), 'bcrypt'],
    ['WordPress bcrypt cost 13', `$wp${bcryptOf(13)}`, 'wordpress-bcrypt'],
    ['MediaWiki bcrypt cost 13', mwBcryptOf(13), 'mediawiki-bcrypt'],
    ['argon2 256 MiB, t=10, p=8', argon2(262144, 10, 8), 'argon2'],
    ['argon2 t=1, p=1', argon2(8192, 1, 1), 'argon2'],
    ['MediaWiki argon2 256 MiB', `:argon2:${argon2(262144, 10, 8)}`, 'mediawiki-argon2'],
    ['PBKDF2 1,000,000 rounds, 16 bytes', pbkdf2Of(1_000_000, 16), 'mediawiki-pbkdf2'],
    ['PBKDF2 64 bytes', pbkdf2Of(30_000, 64), 'mediawiki-pbkdf2'],
    ['layered PBKDF2 1,000,000 rounds, 20 bytes', layeredOf(1_000_000, 20), 'mediawiki-pbkdf2-layered'],
    ['phpass 2^7', phpassOf(7), 'phpass'],
    ['phpass 2^15', phpassOf(15), 'phpass'],
  ])('accepts %s (at the bound)', (_name, hash, format) => {
    expect(inspectHash(hash)).toEqual({ ok: true, format });
  });

  it.each([
    ['bcrypt cost 14', bcryptOf(14), 'bcrypt', /bcrypt cost 14/],
    ['bcrypt cost 31', bcryptOf(31), 'bcrypt', /bcrypt cost 31/],
    ['bcrypt cost 3', bcryptOf(3), 'bcrypt', /bcrypt cost 3/],
    ['WordPress bcrypt cost 14', `$wp${bcryptOf(14)}`, 'wordpress-bcrypt', /bcrypt cost 14/],
    ['MediaWiki bcrypt cost 14', mwBcryptOf(14), 'mediawiki-bcrypt', /bcrypt cost 14/],
    ['argon2 256 MiB + 1 KiB', argon2(262145, 1, 1), 'argon2', /memory 262145/],
    ['argon2 4 GiB', argon2(4194304, 1, 1), 'argon2', /memory/],
    ['argon2 t=11', argon2(8192, 11, 1), 'argon2', /time cost 11/],
    ['argon2 t=100', argon2(8192, 100, 1), 'argon2', /time cost 100/],
    ['argon2 p=9', argon2(8192, 1, 9), 'argon2', /parallelism 9/],
    ['MediaWiki argon2 t=11', `:argon2:${argon2(8192, 11, 1)}`, 'mediawiki-argon2', /time cost 11/],
    ['PBKDF2 1,000,001 rounds', pbkdf2Of(1_000_001, 64), 'mediawiki-pbkdf2', /rounds 1000001/],
    ['PBKDF2 10,000,000 rounds', pbkdf2Of(10_000_000, 64), 'mediawiki-pbkdf2', /rounds 10000000/],
    ['PBKDF2 with a 1-byte output', pbkdf2Of(1000, 1), 'mediawiki-pbkdf2', /1 bytes/],
    ['PBKDF2 with a 15-byte output', pbkdf2Of(1000, 15), 'mediawiki-pbkdf2', /15 bytes/],
    ['PBKDF2 with a 65-byte output', pbkdf2Of(1000, 65), 'mediawiki-pbkdf2', /65 bytes/],
    ['layered PBKDF2 1,000,001 rounds', layeredOf(1_000_001, 20), 'mediawiki-pbkdf2-layered', /rounds/],
    ['phpass 2^16', phpassOf(16), 'phpass', /2\^16/],
    ['phpass 2^30', phpassOf(30), 'phpass', /2\^30/],
    ['phpass 2^6', phpassOf(6), 'phpass', /2\^6/],
  ])('refuses %s (over the bound), naming why', (_name, hash, format, reason) => {
    const inspection = inspectHash(hash);
    expect(inspection).toMatchObject({ ok: false, format });
    expect(inspection.ok || inspection.reason).toMatch(reason);
    expect(recognizeHashFormat(hash)).toBeNull();
  });

  it('refuses an over-bound hash at verify without computing it (one dummy argon2id check, nothing else)', async () => {
    current.checks = 0;
    // A real, correct 1-byte PBKDF2 hash: it would match this password, and 1 in 256 others.
    const oneByte = `:pbkdf2:sha256:1000:1:${Buffer.from('salt').toString('base64')}:${pbkdf2Sync(PASSWORD, 'salt', 1000, 1, 'sha256').toString('base64')}`;
    await expect(hasher.verify(oneByte, PASSWORD)).resolves.toEqual({ ok: false, needsRehash: false });
    await expect(hasher.verify(pbkdf2Of(10_000_000, 64), PASSWORD)).resolves.toEqual({ ok: false, needsRehash: false });
    expect(current.checks).toBe(2);
  });

  it('never feeds more than MAX_LEGACY_PASSWORD_BYTES to a legacy format', async () => {
    const long = 'é'.repeat(2049); // 4098 bytes of UTF-8
    const hash = phpassHash(long, 'B', 'saltsalt');
    expect(await verifyPhpass(hash, long)).toBe(true);
    await expect(hasher.verify(hash, long)).resolves.toEqual({ ok: false, needsRehash: false });
    const fits = 'é'.repeat(2048);
    await expect(hasher.verify(phpassHash(fits, 'B', 'saltsalt'), fits)).resolves.toEqual({ ok: true, needsRehash: true });
  });
});

/** phpass crypt_private() written out synchronously, to make reference hashes for the tests. */
function phpassHash(password: string, countChar: string, salt: string): string {
  const itoa = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const secret = Buffer.from(password, 'utf8');
  let rounds = 1 << itoa.indexOf(countChar);
  let digest = createHash('md5').update(salt, 'latin1').update(secret).digest();
  do digest = createHash('md5').update(digest).update(secret).digest();
  while (--rounds);
  let out = '';
  for (let i = 0; i < digest.length; i += 3) {
    const value = digest[i] | ((digest[i + 1] ?? 0) << 8) | ((digest[i + 2] ?? 0) << 16);
    const chars = Math.min(4, digest.length - i + 1);
    for (let c = 0; c < chars; c++) out += itoa[(value >> (6 * c)) & 0x3f];
  }
  return `$P$${countChar}${salt}${out}`;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
