import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

describe('loadConfig: PostgreSQL pool, brute-force protection and audit settings', () => {
  it("defaults to Keycloak's account policy, 5 per account and address, 100 per address, 90 days of audit", () => {
    expect(loadConfig({})).toMatchObject({
      databasePoolSize: 10,
      throttle: { maxFailures: 5, accountMaxFailures: 30, addressMaxFailures: 100, lockSeconds: 60, maxLockSeconds: 900, windowSeconds: 43200 },
      audit: { retentionDays: 90, pruneIntervalSeconds: 3600 },
    });
  });

  it('raises the longest lock to the first one when only THROTTLE_LOCK_SECONDS is set', () => {
    expect(loadConfig({ THROTTLE_LOCK_SECONDS: '1800' }).throttle.maxLockSeconds).toBe(1800);
  });

  it.each([
    ['DATABASE_POOL_SIZE', '0', /DATABASE_POOL_SIZE: must be between 1 and 1000/],
    ['THROTTLE_ACCOUNT_MAX_FAILURES', 'many', /THROTTLE_ACCOUNT_MAX_FAILURES: must be a whole number/],
    ['AUDIT_RETENTION_DAYS', '0', /AUDIT_RETENTION_DAYS: must be between/],
  ])('stops on a bad %s and names it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('refuses a longest lock shorter than the first', () => {
    expect(() => loadConfig({ THROTTLE_LOCK_SECONDS: '120', THROTTLE_MAX_LOCK_SECONDS: '60' })).toThrow(ConfigError);
  });
});
