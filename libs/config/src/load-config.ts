import { AppConfig, ConfigError, type ThrottleSettings } from './app-config';
import { userSource } from './user-source-config';
import { integer, type Env } from './env';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function databaseUrl(env: Env): string {
  const url = env.DATABASE_URL?.trim() || 'sqlite:./data/authbridge.sqlite';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) {
    throw new ConfigError('DATABASE_URL', 'must start with sqlite: or postgres://');
  }
  return url;
}

function logLevel(env: Env): AppConfig['logLevel'] {
  const raw = (env.LOG_LEVEL ?? 'info').trim();
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return raw as AppConfig['logLevel'];
}

function logRequests(env: Env): AppConfig['log']['requests'] {
  const raw = (env.LOG_REQUESTS ?? 'errors').trim();
  if (raw !== 'errors' && raw !== 'all') throw new ConfigError('LOG_REQUESTS', 'must be errors or all');
  return raw;
}

function ssoIssuer(env: Env): string {
  const raw = (env.SSO_ISSUER ?? 'authbridge').trim();
  if (!/^[\x21-\x7e]{1,255}$/.test(raw)) throw new ConfigError('SSO_ISSUER', 'must be 1-255 printable ASCII characters without spaces');
  return raw;
}

/** Keycloak's defaults for the account (30 failures, 60 s steps, 15 min at most, reset after 12 h). */
function throttle(env: Env): ThrottleSettings {
  const lockSeconds = integer(env, 'THROTTLE_LOCK_SECONDS', 60, 1, 86400 * 30);
  const settings = {
    maxFailures: integer(env, 'THROTTLE_MAX_FAILURES', 5, 1, 1000000000),
    accountMaxFailures: integer(env, 'THROTTLE_ACCOUNT_MAX_FAILURES', 30, 1, 1000000000),
    addressMaxFailures: integer(env, 'THROTTLE_ADDRESS_MAX_FAILURES', 100, 1, 1000000000),
    lockSeconds,
    maxLockSeconds: integer(env, 'THROTTLE_MAX_LOCK_SECONDS', Math.max(900, lockSeconds), 1, 86400 * 30),
    windowSeconds: integer(env, 'THROTTLE_WINDOW_SECONDS', 43200, 1, 86400 * 30),
    // 100 is the most ASVS 2.2.1 and NIST SP 800-63B allow; a smaller ceiling is stricter still.
    accountChecksPerHour: integer(env, 'THROTTLE_ACCOUNT_CHECKS_PER_HOUR', 100, 1, 100),
    knownAddressDays: integer(env, 'THROTTLE_KNOWN_ADDRESS_DAYS', 30, 1, 365),
  };
  if (settings.maxLockSeconds < lockSeconds) throw new ConfigError('THROTTLE_MAX_LOCK_SECONDS', 'must be at least THROTTLE_LOCK_SECONDS');
  return settings;
}

/** 5 s, 10 s, 20 s … at most 15 min between attempts; given up 72 h after the change. */
function notify(env: Env): AppConfig['notify'] {
  const retryBaseMs = integer(env, 'NOTIFY_RETRY_BASE_MS', 5000, 10, 3600000);
  const settings = {
    pollMs: integer(env, 'NOTIFY_POLL_MS', 1000, 50, 60000),
    retryBaseMs,
    retryMaxMs: integer(env, 'NOTIFY_RETRY_MAX_MS', Math.max(900000, retryBaseMs), 10, 86400000),
    giveUpSeconds: integer(env, 'NOTIFY_GIVE_UP_SECONDS', 72 * 3600, 1, 86400 * 30),
  };
  if (settings.retryMaxMs < retryBaseMs) throw new ConfigError('NOTIFY_RETRY_MAX_MS', 'must be at least NOTIFY_RETRY_BASE_MS');
  return settings;
}

/** On by default and not behind a client credential: scrapers hold no AuthBridge client. */
function metrics(env: Env): AppConfig['metrics'] {
  const raw = (env.METRICS ?? 'on').trim();
  if (raw !== 'on' && raw !== 'off') throw new ConfigError('METRICS', `must be on or off, got "${raw}"`);
  const port = env.METRICS_PORT === undefined || env.METRICS_PORT.trim() === '' ? null : integer(env, 'METRICS_PORT', 0, 0, 65535);
  const token = env.METRICS_TOKEN === undefined || env.METRICS_TOKEN === '' ? null : env.METRICS_TOKEN;
  // The token travels in a header and is compared as given: printable, no spaces, long enough not to guess.
  if (token !== null && !/^[\x21-\x7e]{16,256}$/.test(token)) throw new ConfigError('METRICS_TOKEN', 'must be 16-256 printable ASCII characters without spaces');
  return { enabled: raw === 'on', port, token };
}

/** The only reader of environment variables; a bad value stops start-up with its name. */
export function loadConfig(env: Env = process.env): AppConfig {
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl: databaseUrl(env),
    logLevel: logLevel(env),
    log: { requests: logRequests(env), slowMs: integer(env, 'LOG_SLOW_REQUEST_MS', 1000, 1, 600000) },
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    argon2: {
      memoryKiB: integer(env, 'ARGON2_MEMORY_KIB', 19456, 8192, 4 * 1024 * 1024),
      timeCost: integer(env, 'ARGON2_TIME_COST', 2, 1, 100),
      parallelism: integer(env, 'ARGON2_PARALLELISM', 1, 1, 64),
    },
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    throttle: throttle(env),
    audit: {
      retentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 90, 1, 3650),
      pruneIntervalSeconds: integer(env, 'AUDIT_PRUNE_INTERVAL_SECONDS', 3600, 1, 86400),
    },
    sso: {
      issuer: ssoIssuer(env),
      // A ticket travels through one browser redirect; 60 s is the contract's ceiling.
      ticketTtlSeconds: integer(env, 'SSO_TICKET_TTL_SECONDS', 30, 5, 60),
      logoutTimeoutMs: integer(env, 'SSO_LOGOUT_TIMEOUT_MS', 3000, 100, 60000),
    },
    userSource: userSource(env),
    notify: notify(env),
    metrics: metrics(env),
  };
}
