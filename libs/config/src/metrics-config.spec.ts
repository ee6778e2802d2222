import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

describe('metrics settings', () => {
  it('defaults to /metrics on the API port without a token', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, port: null, token: null });
  });

  it('takes METRICS, METRICS_PORT and METRICS_TOKEN', () => {
    expect(loadConfig({ METRICS: 'off' }).metrics.enabled).toBe(false);
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'scrape-token-0123456789' }).metrics).toEqual({ enabled: true, port: 9464, token: 'scrape-token-0123456789' });
  });

  it.each([
    ['METRICS', 'yes'],
    ['METRICS_PORT', '70000'],
    ['METRICS_PORT', 'nine'],
    ['METRICS_TOKEN', 'short'],
    ['METRICS_TOKEN', 'has a space in it, sixteen+'],
  ])('refuses %s=%s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
