import type { MappableHashFormat } from '@authbridge/config';
import { WEBSITE_USER_ID_PATTERN } from '@authbridge/contract';
import type { PasswordPreparation } from '@authbridge/passwords';
import { BadSourceRow } from './source-errors';

/** One website account as a source read it, checked (no NUL, bounded sizes), before it gets a wiki name. */
export interface SourceAccount {
  /** The website's stable user id, as text: what the wiki name and the user id are keyed on. */
  externalId: string;
  /** The website's login name (may be an email, may not be a valid wiki name). */
  login: string;
  email: string | null;
  realName: string;
  /** As the website stored it; null when it has none. */
  passwordHash: string | null;
  groups: string[];
  disabled: boolean;
  /** RFC 3339, when the website records it. */
  createdAt: string | null;
}

/** How the website checks a typed password against the hash it wrote. */
export interface PasswordRule {
  formats: readonly MappableHashFormat[];
  /**
   * What the application does to a typed password before it hashes or checks it (WordPress
   * trims it, phpBB escapes it); `users export` writes it beside each hash as passwordPreparation.
   */
  preparation: PasswordPreparation | null;
}

export interface SourcePage {
  accounts: SourceAccount[];
  /** Rows skipped as unusable; the directory logs them. */
  bad: BadSourceRow[];
  /** Sort key (website id) of the last row read, bad or not, for the next page. */
  lastId: string | null;
  more: boolean;
}

/**
 * A website's accounts, read-only: the extension point for presets (one class per application,
 * over a SqlClient). Every method answers within the source's timeout or throws SOURCE_UNAVAILABLE;
 * a row that cannot be used throws BadSourceRow (lists skip it instead).
 */
export interface AccountSource {
  /** USER_SOURCE_NAME, part of every id and wiki-name link. */
  readonly name: string;
  readonly passwordRule: PasswordRule;
  /** Start-up: the tables and columns the preset reads answer a harmless SELECT; else a ConfigError naming the setting. */
  check(): Promise<void>;
  ping(): Promise<void>;
  /** Accounts whose login equals one of these, as the website's database compares (WordPress: case-insensitive). */
  findByLogins(logins: readonly string[]): Promise<SourceAccount[]>;
  findByEmail(email: string): Promise<SourceAccount[]>;
  findById(externalId: string): Promise<SourceAccount | undefined>;
  /** In website-id order, after `afterId`, logins starting with `loginPrefix`. */
  list(options: { afterId?: string; loginPrefix: string; limit: number }): Promise<SourcePage>;
  /**
   * Present when the website checks passwords itself (USER_SOURCE=http): the directory asks it
   * instead of verifying a hash; `externalId` is absent when no account answered to the name.
   */
  checkPassword?(target: { externalId?: string; login: string }, password: string): Promise<PasswordCheckResult>;
  close(): Promise<void>;
}

export type PasswordCheckResult = { outcome: 'PASS'; account: SourceAccount } | { outcome: 'WRONG_PASSWORD' } | { outcome: 'NO_SUCH_USER' };

/**
 * Largest field sizes accepted from a source, in bytes (the user schema's limits, so every
 * answer stays inside the contract); a row past them is refused, never truncated.
 */
export const SOURCE_LIMITS = {
  login: 255,
  email: 254,
  realName: 255,
  passwordHash: 1024,
  capabilities: 64 * 1024,
  group: 64,
  groups: 500,
} as const;

/** Checks a text field of a source row: NUL and other control characters or an over-long value refuse the row. */
export function sourceText(externalId: string, field: string, value: unknown, maxBytes: number, nullable: true): string | null;
export function sourceText(externalId: string, field: string, value: unknown, maxBytes: number, nullable?: false): string;
export function sourceText(externalId: string, field: string, value: unknown, maxBytes: number, nullable = false): string | null {
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw new BadSourceRow(externalId, field, 'is NULL');
  }
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : null;
  if (text === null) throw new BadSourceRow(externalId, field, `is not text (${typeof value})`);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new BadSourceRow(externalId, field, `is longer than ${maxBytes} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw new BadSourceRow(externalId, field, 'contains a NUL or another control character');
  return text;
}

/** A website id as text: digits or a short plain token; anything else refuses the row. */
export function sourceId(value: unknown): string {
  const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value === 'string' ? value : null;
  if (text === null || !WEBSITE_USER_ID_PATTERN.test(text)) throw new BadSourceRow(String(text ?? '?').slice(0, 64), 'id', 'is not a plain id of at most 64 characters');
  return text;
}

/** A datetime as the website wrote it (UTC "YYYY-MM-DD HH:MM:SS", or a Date) as RFC 3339; null when absent or zero. */
export function sourceTime(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' || value.startsWith('0000')) return null;
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * A list page from `limit + 1` rows in website-id order (rows carry `id`): unusable rows are set
 * aside, not fatal, and still move the cursor past them.
 */
export async function sourcePage<R extends { id?: unknown }>(rows: R[], limit: number, toAccount: (row: R) => SourceAccount | Promise<SourceAccount>): Promise<SourcePage> {
  const page = rows.slice(0, limit);
  const accounts: SourceAccount[] = [];
  const bad: BadSourceRow[] = [];
  for (const row of page) {
    try {
      accounts.push(await toAccount(row));
    } catch (error) {
      if (!(error instanceof BadSourceRow)) throw error;
      bad.push(error);
    }
  }
  return { accounts, bad, lastId: page.length ? String(page[page.length - 1].id) : null, more: rows.length > limit };
}
