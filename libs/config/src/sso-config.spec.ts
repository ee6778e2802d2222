import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

describe('single-sign-on settings', () => {
  it('defaults to issuer "authbridge", 30 s tickets and a 3 s logout wait', () => {
    expect(loadConfig({}).sso).toEqual({ issuer: 'authbridge', ticketTtlSeconds: 30, logoutTimeoutMs: 3000 });
  });

  it('takes SSO_ISSUER, SSO_TICKET_TTL_SECONDS and SSO_LOGOUT_TIMEOUT_MS', () => {
    const sso = loadConfig({ SSO_ISSUER: 'https://id.example.org', SSO_TICKET_TTL_SECONDS: '60', SSO_LOGOUT_TIMEOUT_MS: '500' }).sso;
    expect(sso).toEqual({ issuer: 'https://id.example.org', ticketTtlSeconds: 60, logoutTimeoutMs: 500 });
  });

  it.each([
    ['SSO_TICKET_TTL_SECONDS', '61'],
    ['SSO_TICKET_TTL_SECONDS', '0'],
    ['SSO_TICKET_TTL_SECONDS', 'thirty'],
    ['SSO_ISSUER', 'has space'],
    ['SSO_LOGOUT_TIMEOUT_MS', '10'],
  ])('refuses %s=%s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
