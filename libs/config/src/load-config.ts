import { AppConfig, ConfigError } from './app-config';

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

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

/** The only reader of environment variables; a bad value stops start-up with its name. */
export function loadConfig(env: Env = process.env): AppConfig {
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl: databaseUrl(env),
    logLevel: logLevel(env),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    argon2: {
      memoryKiB: integer(env, 'ARGON2_MEMORY_KIB', 19456, 8192, 4 * 1024 * 1024),
      timeCost: integer(env, 'ARGON2_TIME_COST', 2, 1, 100),
      parallelism: integer(env, 'ARGON2_PARALLELISM', 1, 1, 64),
    },
    throttle: {
      maxFailures: integer(env, 'THROTTLE_MAX_FAILURES', 10, 1, 100000),
      windowSeconds: integer(env, 'THROTTLE_WINDOW_SECONDS', 900, 1, 86400 * 30),
      lockSeconds: integer(env, 'THROTTLE_LOCK_SECONDS', 300, 1, 86400 * 30),
    },
  };
}
