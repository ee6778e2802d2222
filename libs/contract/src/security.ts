/** Kinds of audit events. `sso.*` are written by the single sign-on routes, `user.import` by the import. */
export const AUDIT_EVENTS = [
  'verify',
  'lock',
  'unlock',
  'user.create',
  'user.update',
  'user.password',
  'user.import',
  'user.delete',
  'user.sessions',
  'client.create',
  'client.revoke',
  'client.update',
  'client.rotate',
  'sso.ticket.issue',
  'sso.ticket.redeem',
  'sso.notify',
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** One line of the audit log (`GET /v1/audit`). Never carries a password, a hash or a secret. */
export interface AuditEventJson {
  id: string;
  /** RFC 3339, UTC. */
  at: string;
  event: AuditEventName;
  /**
   * `verify`: PASS or the FAIL code. `lock`: which counter locked (ACCOUNT, ACCOUNT_ADDRESS, ADDRESS).
   * Others: OK, or the problem code that refused the change.
   */
  outcome: string;
  username: string | null;
  /** The client credential that made the request; null from the command-line tool. */
  clientId: string | null;
  /** The end user's address as the API used it (see SPEC.md, "The end user's address"). */
  address: string | null;
  /** A password hash was computed: false for THROTTLED answers, which cost no hashing. */
  passwordChecked: boolean;
  /** Event-specific facts, e.g. `retryAfterSeconds`, `addressSource`, `requestId`, `fields`. */
  detail: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEventJson[];
  nextCursor: string | null;
}

/** One failure counter of an account, as an administrator sees it. */
export interface LockCounterJson {
  failures: number;
  /** RFC 3339; null when not locked. */
  lockedUntil: string | null;
  retryAfterSeconds: number;
}

/** `GET /v1/users/{username}/lock`: the brute-force state of a name (it need not exist). */
export interface AccountLockJson {
  username: string;
  /** The account lock holds (for the addresses that failed) or an address is locked. */
  locked: boolean;
  account: LockCounterJson;
  /** One entry per end-user address with failures against this name, sorted by address. */
  addresses: Array<LockCounterJson & { address: string }>;
  /** The account-wide ceiling (absent from APIs older than contract 1.4). */
  checks?: CeilingJson;
}

/** Password checks of a name in the last hour under the account-wide ceiling. */
export interface CeilingJson {
  lastHour: number;
  limit: number;
  /** 0 while the ceiling lets checks through. */
  retryAfterSeconds: number;
}
