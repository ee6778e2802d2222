import { createHash } from 'node:crypto';
import { sameBytes } from './constant-time';

/*
 * phpass "portable" hashes ($P$ from WordPress before 6.8, $H$ from phpBB 3.0), after
 * crypt_private() of the phpass 0.5 reference. Hand-rolled because no maintained npm package
 * implements them (the few that exist are unmaintained and pull in more than these lines),
 * and the algorithm is only iterated MD5 with phpass's own base-64.
 */

export const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** $P$ or $H$, one count character, 8 salt characters, 22 characters of hash. */
export const PHPASS_PATTERN = /^\$[PH]\$[./0-9A-Za-z]{31}$/;

/**
 * phpass accepts 2^7 to 2^30 rounds; real installations use 2^8 (WordPress) to 2^13 (phpBB).
 * The rounds run on the event loop, so a hash asking for more than 2^16 is not accepted.
 */
const MIN_LOG2_ROUNDS = 7;
const MAX_LOG2_ROUNDS = 16;

export function isPhpassHash(hash: string): boolean {
  if (!PHPASS_PATTERN.test(hash)) return false;
  const log2 = ITOA64.indexOf(hash[3]);
  return log2 >= MIN_LOG2_ROUNDS && log2 <= MAX_LOG2_ROUNDS;
}

export function verifyPhpass(hash: string, password: string): boolean {
  if (!isPhpassHash(hash)) return false;
  const secret = Buffer.from(password, 'utf8');
  let rounds = 1 << ITOA64.indexOf(hash[3]);
  let digest = createHash('md5').update(hash.slice(4, 12), 'latin1').update(secret).digest();
  do {
    digest = createHash('md5').update(digest).update(secret).digest();
  } while (--rounds);
  return sameBytes(Buffer.from(hash.slice(12), 'latin1'), Buffer.from(encode64(digest), 'latin1'));
}

/** phpass's base-64: little-endian 6-bit groups over ITOA64, no padding (Drupal 7's _password_base64_encode is the same). */
export function encode64(input: Buffer): string {
  let output = '';
  for (let i = 0; i < input.length; i += 3) {
    const value = input[i] | ((input[i + 1] ?? 0) << 8) | ((input[i + 2] ?? 0) << 16);
    const chars = Math.min(4, input.length - i + 1);
    for (let c = 0; c < chars; c++) output += ITOA64[(value >> (6 * c)) & 0x3f];
  }
  return output;
}
