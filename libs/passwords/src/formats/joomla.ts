import { createHash } from 'node:crypto';
import { sameBytes } from './constant-time';

/*
 * Joomla's own legacy hashes, as UserHelper::verifyPassword() of Joomla 3.10
 * (libraries/src/User/UserHelper.php) and the MD5/SHA256 handlers of Joomla 4/5 check them:
 *
 * - `md5(password . salt) . ':' . salt`: what Joomla 1.5 to 3.1 wrote (32-character salt from
 *   genRandomPassword(32)); a bare 32-hex md5 is the same rule with no salt, and stays the
 *   sources' `md5-hex` (hash-formats.ts keeps it unrecognised for imports, as before);
 * - `{SHA256}` . sha256(password . salt) . ':' . salt: getCryptedPassword('sha256', show_encrypt).
 *
 * Joomla 3.2+ writes bcrypt, 4+ also argon2i/argon2id, and Joomla 3's phpass `$P$D` (2^15 MD5
 * rounds, PasswordHash(10, true)); those are the shared bcrypt, argon2 and phpass formats.
 */

/** Hex digest, one colon, a salt of Joomla's alphabet (genRandomPassword: [A-Za-z0-9]; ./ seen in 1.0 imports). */
const MD5_SALTED = /^([0-9a-f]{32}):([A-Za-z0-9./]{1,64})$/;
const SHA256_SALTED = /^\{SHA256\}([0-9a-f]{64})(?::([A-Za-z0-9./]{1,64}))?$/;

export type JoomlaFormat = 'joomla-md5-salted' | 'joomla-sha256';

export function recogniseJoomla(hash: string): JoomlaFormat | null {
  if (MD5_SALTED.test(hash)) return 'joomla-md5-salted';
  if (SHA256_SALTED.test(hash)) return 'joomla-sha256';
  return null;
}

export function verifyJoomla(format: JoomlaFormat, hash: string, password: string): boolean {
  const m = (format === 'joomla-md5-salted' ? MD5_SALTED : SHA256_SALTED).exec(hash);
  if (!m) return false;
  const [, digest, salt = ''] = m;
  // PHP concatenates bytes: the password's UTF-8, then the salt.
  const computed = createHash(format === 'joomla-md5-salted' ? 'md5' : 'sha256').update(password, 'utf8').update(salt, 'latin1').digest('hex');
  return sameBytes(Buffer.from(digest, 'latin1'), Buffer.from(computed, 'latin1'));
}
