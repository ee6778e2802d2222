export const NOTIFY_SETTINGS = Symbol('NOTIFY_SETTINGS');

/** Delivery of account changes to the wikis (SPEC.md, "Delivery: an outbox in the store"). */
export interface NotifySettings {
  /** How often each API instance looks for due deliveries. */
  pollMs: number;
  /** Wait after the first failed attempt; doubles with every further one, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A delivery still failing this long after the change is given up. */
  giveUpSeconds: number;
  /** One attempt's wait for the wiki (SSO_LOGOUT_TIMEOUT_MS). */
  timeoutMs: number;
  /** Finished rows are pruned with the audit log (AUDIT_RETENTION_DAYS, AUDIT_PRUNE_INTERVAL_SECONDS). */
  retentionDays: number;
  pruneIntervalSeconds: number;
}

/**
 * A claim outlives its attempt (the wiki's answer is awaited at most timeoutMs) with room to
 * record the outcome; an instance that dies mid-attempt holds its rows no longer than this.
 */
export function claimLeaseMs(settings: Pick<NotifySettings, 'timeoutMs'>): number {
  return settings.timeoutMs + 10_000;
}
/** Parallel attempts of one instance; the rest wait their turn. */
export const DELIVERY_CONCURRENCY = 8;
/** Rows one poll claims at most. */
export const POLL_BATCH = 50;

/** Wait before attempt `failedAttempts + 1`: base × 2^(failedAttempts − 1), at most the maximum. */
export function retryDelayMs(failedAttempts: number, settings: Pick<NotifySettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  return Math.min(settings.retryBaseMs * 2 ** exponent, settings.retryMaxMs);
}
