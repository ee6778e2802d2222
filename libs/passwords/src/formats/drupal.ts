import { createHash } from 'node:crypto';
import { sameBytes } from './constant-time';
import { iteratedDigest } from './digest-pool';
import { encode64, ITOA64 } from './phpass';

/*
 * Drupal 7's hashes, after includes/password.inc of Drupal 7.x (user_check_password,
 * _password_crypt): `$S$`, one log2-count character, 8 salt characters, then phpass's base-64
 * of SHA-512(… SHA-512(salt . password) . password …) cut so the whole string is 55 characters
 * (DRUPAL_HASH_LENGTH). Drupal writes 2^15 rounds (DRUPAL_HASH_COUNT); `U$S$` is the same over
 * md5(password) hex, written by user_update_7000 for accounts carried over from Drupal 6.
 * Drupal 7 also accepts phpass `$P$`/`$H$`: those are the shared phpass format.
 */

/** `$S$` (or `U$S$`), count, 8 salt, 43 hash characters: 55 in all. */
const DRUPAL_SHA512 = /^(U?)(\$S\$[./0-9A-Za-z]{9})([./0-9A-Za-z]{43})$/;
/**
 * Drupal accepts 2^7 to 2^30; above 2^17 one login would cost a core for seconds, so a hash
 * asking for more is refused, not computed. Drupal itself writes 2^15.
 */
export const DRUPAL_MIN_LOG2 = 7;
export const DRUPAL_MAX_LOG2 = 17;
/** _password_crypt(): "Prevent DoS attacks by refusing to hash large passwords." */
const MAX_PASSWORD_BYTES = 512;

export type DrupalFormat = 'drupal7-sha512' | 'drupal7-md5-sha512';

export function recogniseDrupal(hash: string): DrupalFormat | null {
  const m = DRUPAL_SHA512.exec(hash);
  if (!m) return null;
  const log2 = ITOA64.indexOf(m[2][3]);
  if (log2 < DRUPAL_MIN_LOG2 || log2 > DRUPAL_MAX_LOG2) return null;
  return m[1] ? 'drupal7-md5-sha512' : 'drupal7-sha512';
}

/** The log2 round count a `$S$`/`U$S$` hash asks for, or -1 when it is not one. */
export function drupalLog2Rounds(hash: string): number {
  const m = DRUPAL_SHA512.exec(hash);
  return m ? ITOA64.indexOf(m[2][3]) : -1;
}

export async function verifyDrupal(hash: string, password: string): Promise<boolean> {
  const format = recogniseDrupal(hash);
  if (!format) return false;
  const stored = format === 'drupal7-md5-sha512' ? hash.slice(1) : hash;
  // Drupal 7.x updates users carried over from 6 with user_hash_password(md5($password)).
  const secret = format === 'drupal7-md5-sha512' ? Buffer.from(createHash('md5').update(password, 'utf8').digest('hex'), 'latin1') : Buffer.from(password, 'utf8');
  if (secret.length > MAX_PASSWORD_BYTES) return false;
  const digest = await drupalSha512(Buffer.from(stored.slice(4, 12), 'latin1'), secret, 2 ** ITOA64.indexOf(stored[3]));
  const computed = (stored.slice(0, 12) + encode64(digest)).slice(0, 55);
  return sameBytes(Buffer.from(stored, 'latin1'), Buffer.from(computed, 'latin1'));
}

/**
 * The iterated SHA-512 itself: sha512(salt . secret), then `rounds` times sha512(digest . secret).
 * At Drupal's 2^15 that is tens of milliseconds of CPU, so it runs on the digest pool's worker
 * threads (as phpass does) and the event loop keeps serving.
 */
export function drupalSha512(salt: Buffer, secret: Buffer, rounds: number): Promise<Buffer> {
  return iteratedDigest('sha512', salt, secret, rounds);
}

/** The same loop, on the calling thread (the worker runs this code; tests compare the two). */
export function drupalSha512Sync(salt: Buffer, secret: Buffer, rounds: number): Buffer {
  let digest = createHash('sha512').update(salt).update(secret).digest();
  for (let i = 0; i < rounds; i++) digest = createHash('sha512').update(digest).update(secret).digest();
  return digest;
}
