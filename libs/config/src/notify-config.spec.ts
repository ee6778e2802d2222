import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

describe('account-notification settings', () => {
  it('polls every second and retries 5 s, 10 s … at most 15 min apart, for 72 h', () => {
    expect(loadConfig({}).notify).toEqual({ pollMs: 1000, retryBaseMs: 5000, retryMaxMs: 900000, giveUpSeconds: 259200 });
  });

  it('raises the longest wait to the first one when only NOTIFY_RETRY_BASE_MS is set high', () => {
    expect(loadConfig({ NOTIFY_RETRY_BASE_MS: '1800000' }).notify.retryMaxMs).toBe(1800000);
  });

  it.each([
    ['NOTIFY_POLL_MS', '10'],
    ['NOTIFY_RETRY_BASE_MS', 'soon'],
    ['NOTIFY_GIVE_UP_SECONDS', '0'],
  ])('refuses %s=%s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a longest wait shorter than the first', () => {
    expect(() => loadConfig({ NOTIFY_RETRY_BASE_MS: '5000', NOTIFY_RETRY_MAX_MS: '1000' })).toThrow('NOTIFY_RETRY_MAX_MS');
  });
});
