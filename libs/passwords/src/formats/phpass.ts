import { sameBytes } from './constant-time';
import { iteratedDigest } from './digest-pool';

/*
 * phpass "portable" hashes ($P$ from WordPress before 6.8, $H$ from phpBB 3.0), after
 * crypt_private() of the phpass 0.5 reference. Hand-rolled because no maintained npm package
 * implements them (the few that exist are unmaintained and pull in more than these lines),
 * and the algorithm is only iterated MD5 with phpass's own base-64.
 */

export const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** $P$ or $H$, one count character, 8 salt characters, 22 characters of hash. */
export const PHPASS_PATTERN = /^\$[PH]\$[./0-9A-Za-z]{31}$/;

/** log2 of the rounds a phpass hash asks for (its fourth character), or -1. */
export function phpassLog2Rounds(hash: string): number {
  return PHPASS_PATTERN.test(hash) ? ITOA64.indexOf(hash[3]) : -1;
}

/**
 * Checks a password against a phpass hash whose bounds the caller has checked (hash-formats.ts,
 * COST_BOUNDS.phpass). The rounds run on the digest pool's worker threads.
 */
export async function verifyPhpass(hash: string, password: string): Promise<boolean> {
  const log2 = phpassLog2Rounds(hash);
  if (log2 < 0) return false;
  const digest = await iteratedDigest('md5', Buffer.from(hash.slice(4, 12), 'latin1'), Buffer.from(password, 'utf8'), 2 ** log2);
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
