import type { UserSourceSettings } from './user-source-config';

/** Every setting the API and the CLI read, validated once at start-up. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Which requests get a log line: refusals, errors and slow ones, or all (LOG_REQUESTS, LOG_SLOW_REQUEST_MS). */
  log: { requests: 'errors' | 'all'; slowMs: number };
  bodyLimitBytes: number;
  argon2: { memoryKiB: number; timeCost: number; parallelism: number };
  /** Connections each API instance keeps to PostgreSQL (ignored by SQLite). */
  databasePoolSize: number;
  throttle: ThrottleSettings;
  /** Audit rows older than `retentionDays` are deleted at start-up and every `pruneIntervalSeconds`. */
  audit: { retentionDays: number; pruneIntervalSeconds: number };
  /** Single sign-on: `iss` of tickets, their lifetime, and how long the logout back channel waits per wiki. */
  sso: { issuer: string; ticketTtlSeconds: number; logoutTimeoutMs: number };
  /** Where users come from: AuthBridge's own store, or the website's database (USER_SOURCE). */
  userSource: UserSourceSettings;
  /** Telling the wikis about account changes: poll interval, retry backoff, give-up point (SPEC.md, "Delivery"). */
  notify: { pollMs: number; retryBaseMs: number; retryMaxMs: number; giveUpSeconds: number };
  /**
   * GET /metrics (Prometheus text): METRICS=on|off; METRICS_PORT serves it on a port of its own
   * (same HOST) instead of the API's; METRICS_TOKEN requires `Authorization: Bearer <token>`.
   */
  metrics: { enabled: boolean; port: number | null; token: string | null };
}

/**
 * Brute-force protection (SPEC.md, "Brute-force protection"): three failure counters, each locking
 * for `lockSeconds × ⌊failures / its maximum⌋` (at most `maxLockSeconds`) once it reaches its maximum,
 * as Keycloak's temporary lockout does; a counter starts again after `windowSeconds` without a failure.
 */
export interface ThrottleSettings {
  /** Failures of one account from one address. */
  maxFailures: number;
  /** Failures of one account from all addresses; locks only the addresses that failed. */
  accountMaxFailures: number;
  /** Failures from one end-user address against all accounts. */
  addressMaxFailures: number;
  lockSeconds: number;
  maxLockSeconds: number;
  windowSeconds: number;
  /**
   * Password checks of one account per rolling hour from all addresses together, except from its
   * known addresses (ASVS 2.2.1, NIST SP 800-63B 5.2.2: at most 100).
   */
  accountChecksPerHour: number;
  /** How long a successful login keeps its address known to the account. */
  knownAddressDays: number;
}

export class ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
