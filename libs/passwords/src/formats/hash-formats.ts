import { createHmac } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import { isPhpassHash, verifyPhpass } from './phpass';
import {
  isMediaWikiLayered, isMediaWikiMd5, isMediaWikiPbkdf2, mediaWikiBcryptToPhp,
  verifyMediaWikiLayered, verifyMediaWikiMd5, verifyMediaWikiPbkdf2,
} from './mediawiki';
import { recogniseJoomla, verifyJoomla } from './joomla';
import { recognisePhpbbConvert, verifyPhpbbConvert } from './phpbb';
import { recogniseDrupal, verifyDrupal } from './drupal';

/**
 * The families of stored hashes the API verifies; vectors/password-hashes.json of the
 * contract names them in its "format" field.
 */
export type HashFormat =
  | 'argon2'
  | 'bcrypt'
  | 'wordpress-bcrypt'
  | 'phpass'
  | 'mediawiki-pbkdf2'
  | 'mediawiki-pbkdf2-layered'
  | 'mediawiki-md5'
  | 'mediawiki-bcrypt'
  | 'mediawiki-argon2'
  // Applications' own legacy formats: formats/joomla.ts, phpbb.ts, drupal.ts.
  | 'joomla-md5-salted'
  | 'joomla-sha256'
  | 'phpbb-convert'
  | 'drupal7-sha512'
  | 'drupal7-md5-sha512';

/**
 * PHC strings of argon2i and argon2id (PHP's password_hash, node-argon2, libsodium), with
 * bounds on their cost: a stored hash asking for gigabytes is refused, not computed.
 */
const ARGON2 = /^\$argon2(?:id|i)\$(?:v=(?:16|19)\$)?([a-z]=\d{1,8}(?:,[a-z]=\d{1,8}){2})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,}$/;
const MAX_ARGON2_MEMORY_KIB = 1024 * 1024;
const MAX_ARGON2_TIME_COST = 64;

/** $2a$, $2b$ (OpenBSD, most libraries) and $2y$ (PHP's password_hash), cost 4 to 31. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** WordPress 6.8+: "$wp" before a bcrypt hash of an HMAC-SHA384 of the password. */
const WORDPRESS_PREFIX = '$wp';

export function isArgon2Hash(hash: string): boolean {
  const m = ARGON2.exec(hash);
  if (!m) return false;
  // PHP writes m,t,p; node-argon2 writes m,p,t.
  const params = new Map(m[1].split(',').map((pair) => [pair[0], Number(pair.slice(2))] as const));
  const [memory, time, lanes] = [params.get('m'), params.get('t'), params.get('p')];
  if (memory === undefined || time === undefined || lanes === undefined) return false;
  return memory <= MAX_ARGON2_MEMORY_KIB && time >= 1 && time <= MAX_ARGON2_TIME_COST && lanes >= 1;
}

/** Which family a stored hash belongs to, or null when the API cannot verify it. */
export function recognizeHashFormat(hash: string): HashFormat | null {
  if (hash.startsWith('$argon2')) return isArgon2Hash(hash) ? 'argon2' : null;
  if (hash.startsWith('$2')) return BCRYPT.test(hash) ? 'bcrypt' : null;
  if (hash.startsWith(WORDPRESS_PREFIX)) return BCRYPT.test(hash.slice(WORDPRESS_PREFIX.length)) ? 'wordpress-bcrypt' : null;
  if (hash.startsWith('$P$') || hash.startsWith('$H$')) return isPhpassHash(hash) ? 'phpass' : null;
  if (hash.startsWith(':pbkdf2:')) return isMediaWikiPbkdf2(hash) ? 'mediawiki-pbkdf2' : null;
  if (hash.startsWith(':pbkdf2-legacy')) return isMediaWikiLayered(hash) ? 'mediawiki-pbkdf2-layered' : null;
  if (hash.startsWith(':A:') || hash.startsWith(':B:')) return isMediaWikiMd5(hash) ? 'mediawiki-md5' : null;
  if (hash.startsWith(':bcrypt:')) return mediaWikiBcryptToPhp(hash) ? 'mediawiki-bcrypt' : null;
  if (hash.startsWith(':argon2:')) return isArgon2Hash(hash.slice(':argon2:'.length)) ? 'mediawiki-argon2' : null;
  if (hash.startsWith('$CP$')) return recognisePhpbbConvert(hash) ? 'phpbb-convert' : null;
  if (hash.startsWith('$S$') || hash.startsWith('U$S$')) return recogniseDrupal(hash);
  return recogniseJoomla(hash);
}

/**
 * Checks a password against a hash of a non-argon2 family. Argon2 (bare or in MediaWiki's
 * ":argon2:") is left to the argon2 hasher, which also knows the current parameters.
 */
export async function verifyLegacyHash(format: Exclude<HashFormat, 'argon2' | 'mediawiki-argon2'>, hash: string, password: string): Promise<boolean> {
  switch (format) {
    case 'bcrypt':
      return verifyBcrypt(hash, password);
    case 'wordpress-bcrypt':
      return verifyBcrypt(hash.slice(WORDPRESS_PREFIX.length), createHmac('sha384', 'wp-sha384').update(password, 'utf8').digest('base64'));
    case 'mediawiki-bcrypt':
      return verifyBcrypt(mediaWikiBcryptToPhp(hash) ?? '', password);
    case 'phpass':
      return verifyPhpass(hash, password);
    case 'mediawiki-pbkdf2':
      return verifyMediaWikiPbkdf2(hash, password);
    case 'mediawiki-pbkdf2-layered':
      return verifyMediaWikiLayered(hash, password);
    case 'mediawiki-md5':
      return verifyMediaWikiMd5(hash, password);
    case 'joomla-md5-salted':
    case 'joomla-sha256':
      return verifyJoomla(format, hash, password);
    case 'phpbb-convert':
      return verifyPhpbbConvert(hash, password);
    case 'drupal7-sha512':
    case 'drupal7-md5-sha512':
      return verifyDrupal(hash, password);
  }
}

/**
 * PHP's $2y$ and OpenBSD's $2b$ are the same algorithm under two names (both fixed the
 * 8-bit bug of old $2a$ implementations); node bcrypt only knows the OpenBSD names.
 * bcrypt.compare runs on the thread pool and compares in constant time.
 */
async function verifyBcrypt(hash: string, password: string): Promise<boolean> {
  if (!BCRYPT.test(hash)) return false;
  return bcrypt.compare(password, hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash);
}
