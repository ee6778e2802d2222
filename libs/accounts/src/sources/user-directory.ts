import type { UserRecord } from '@authbridge/storage';

/** What a password check found; the verifier turns it into the contract's PASS/FAIL. */
export type LoginCheck = { outcome: 'PASS'; user: UserRecord } | { outcome: 'WRONG_PASSWORD' } | { outcome: 'NO_SUCH_USER' };

/** One login in progress: the name it is counted under, and the password check (always a full hash's cost). */
export interface LoginAttempt {
  /** The user's wiki name when there is such a user, else the typed name in one spelling (counterName). */
  readonly username: string;
  /**
   * Whether the name is a user's. When not, the counters and the audit log keep a pseudonym
   * instead of `username` (people type passwords into the name field).
   */
  readonly exists: boolean;
  check(password: string): Promise<LoginCheck>;
}

export interface DirectoryPage {
  users: UserRecord[];
  nextCursor: string | null;
}

/**
 * Where users are read from (USER_SOURCE): AuthBridge's own store, or a website's accounts. The
 * verify, look-up, ticket and admin paths all go through this, so brute-force protection, audit
 * and single sign-on are the same whatever the source. See "For the engineer who adds the next
 * source" in libs/accounts/src/sources/README.md.
 */
export abstract class UserDirectory {
  abstract readonly kind: 'local' | 'sql' | 'http';
  /** Users are managed elsewhere (the website): create, update and password changes are refused. */
  abstract readonly readOnly: boolean;
  /** What the person typed at the login form (a wiki name; with a source also the website login or email). */
  abstract beginLogin(typed: string): Promise<LoginAttempt>;
  /** By canonical wiki name (look-ups, ticket redeem). */
  abstract findByUsername(wikiName: string): Promise<UserRecord | undefined>;
  /** By what the website calls the user when it asks for a ticket: a login name, an email or a wiki name. */
  abstract findByLogin(typed: string): Promise<UserRecord | undefined>;
  /** By the website's own user id (tickets); only sources have one. */
  abstract findByWebsiteId(websiteId: string): Promise<UserRecord | undefined>;
  abstract list(options: { prefix: string; cursor?: string; limit: number }): Promise<DirectoryPage>;
  /** Every user with this email (admin look-up), in name order, at most `limit`. */
  abstract findByEmail(email: string, limit: number): Promise<UserRecord[]>;
  /** Throws when the source does not answer (readiness). */
  abstract ready(): Promise<void>;
}
