import { timingSafeEqual } from 'node:crypto';

/** Compares two digests without leaking where they differ; a length mismatch is no secret. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
