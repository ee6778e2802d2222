/** Every setting the API and the CLI read, validated once at start-up. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  argon2: { memoryKiB: number; timeCost: number; parallelism: number };
  throttle: { maxFailures: number; windowSeconds: number; lockSeconds: number };
}

export class ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
