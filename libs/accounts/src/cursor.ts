import { DomainError } from '@authbridge/contract';

/**
 * Cursors are opaque to callers so the paging key can change without a contract change. Each
 * kind of list has its own prefix, so a cursor of one list is refused by another.
 */
export function encodeCursor(kind: string, position: string): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/** The position a cursor of this kind holds; INVALID_CURSOR when it was not made by encodeCursor. */
export function decodeCursor(kind: string, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${kind}:`) || Buffer.from(text, 'utf8').toString('base64url') !== cursor) {
    throw invalidCursor();
  }
  return text.slice(kind.length + 1);
}

export function invalidCursor(): DomainError {
  return new DomainError('INVALID_CURSOR', 'This cursor was not issued by this API.');
}
