import { DomainError } from '@authbridge/contract';

const PREFIX = 'u:';

/** Cursors are opaque to callers so the paging key can change without a contract change. */
export function encodeCursor(lastUsername: string): string {
  return Buffer.from(PREFIX + lastUsername, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX) || Buffer.from(text, 'utf8').toString('base64url') !== cursor) {
    throw new DomainError('INVALID_CURSOR', 'This cursor was not issued by this API.');
  }
  return text.slice(PREFIX.length);
}
