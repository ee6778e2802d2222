import { createHash, randomBytes } from 'node:crypto';
import { drupalSha512, drupalSha512Sync, recogniseDrupal, verifyDrupal } from './drupal';
import { encode64, ITOA64 } from './phpass';
import { recogniseJoomla, verifyJoomla } from './joomla';
import { recognisePhpbbConvert, verifyPhpbbConvert } from './phpbb';

const PASSWORD = 'correct horse battery staple';

/** A Drupal 7 $S$ hash built from the sync loop (the vectors are PHP's; this is for bounds). */
function drupalHash(password: string, log2: number): string {
  const setting = `$S$${ITOA64[log2]}${encode64(randomBytes(6))}`;
  return (setting + encode64(drupalSha512Sync(Buffer.from(setting.slice(4, 12)), Buffer.from(password), 2 ** log2))).slice(0, 55);
}

describe('Drupal 7 $S$', () => {
  it('computes the same digest in the worker as on the calling thread', async () => {
    const salt = Buffer.from('abcdefgh');
    const secret = Buffer.from('p\u00e4ss');
    expect((await drupalSha512(salt, secret, 1024)).equals(drupalSha512Sync(salt, secret, 1024))).toBe(true);
  });

  it('keeps the event loop turning while it iterates (the rounds run in a worker)', async () => {
    const hash = drupalHash(PASSWORD, 17);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const ok = await verifyDrupal(hash, PASSWORD);
    clearInterval(ticker);
    expect(ok).toBe(true);
    expect(turns).toBeGreaterThan(0);
  });

  it('answers many checks at once, each with its own result', async () => {
    const hash = drupalHash(PASSWORD, 7);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => verifyDrupal(hash, i % 2 ? PASSWORD : `${PASSWORD}${i}`)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 1));
  });

  it('refuses counts outside 2^7..2^17 and malformed lengths without computing', () => {
    const hash = drupalHash(PASSWORD, 7);
    expect(recogniseDrupal(hash)).toBe('drupal7-sha512');
    expect(recogniseDrupal(`${hash.slice(0, 3)}${ITOA64[6]}${hash.slice(4)}`)).toBeNull();
    expect(recogniseDrupal(`${hash.slice(0, 3)}${ITOA64[18]}${hash.slice(4)}`)).toBeNull();
    expect(recogniseDrupal(`${hash.slice(0, 3)}${ITOA64[30]}${hash.slice(4)}`)).toBeNull();
    expect(recogniseDrupal(hash.slice(0, 54))).toBeNull();
    expect(recogniseDrupal(`${hash}x`)).toBeNull();
    expect(recogniseDrupal(`U${hash}`)).toBe('drupal7-md5-sha512');
  });

  it('refuses a password over 512 bytes, as Drupal does', async () => {
    const long = 'a'.repeat(513);
    expect(await verifyDrupal(drupalHash(long, 7), long)).toBe(false);
    const limit = 'a'.repeat(512);
    expect(await verifyDrupal(drupalHash(limit, 7), limit)).toBe(true);
  });
});

describe('Joomla legacy md5 / {SHA256}', () => {
  it('verifies md5(password . salt):salt and refuses another salt', () => {
    const salt = 'AbCdEf0123456789AbCdEf0123456789';
    const hash = `${createHash('md5').update(PASSWORD + salt).digest('hex')}:${salt}`;
    expect(recogniseJoomla(hash)).toBe('joomla-md5-salted');
    expect(verifyJoomla('joomla-md5-salted', hash, PASSWORD)).toBe(true);
    expect(verifyJoomla('joomla-md5-salted', hash.replace(/.$/, 'x'), PASSWORD)).toBe(false);
  });

  it('does not take a bare md5 (that is the sources\' md5-hex) nor a salt with SQL-ish characters', () => {
    expect(recogniseJoomla(createHash('md5').update(PASSWORD).digest('hex'))).toBeNull();
    expect(recogniseJoomla(`${'a'.repeat(32)}:salt'--`)).toBeNull();
    expect(recogniseJoomla(`${'a'.repeat(32)}:${'s'.repeat(65)}`)).toBeNull();
  });
});

describe('phpBB $CP$', () => {
  it('wraps phpBB 2\'s md5 only', async () => {
    const md5 = createHash('md5').update(PASSWORD).digest('hex');
    expect(await verifyPhpbbConvert(`$CP$${md5}`, PASSWORD)).toBe(true);
    expect(await verifyPhpbbConvert(`$CP$${md5}`, `${PASSWORD}x`)).toBe(false);
    expect(recognisePhpbbConvert('$CP$$2y$10$abc')).toBe(false);
    expect(recognisePhpbbConvert(`$CP$${md5.toUpperCase()}`)).toBe(false);
  });
});
