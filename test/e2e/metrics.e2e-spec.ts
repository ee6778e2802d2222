import request from 'supertest';
import { SsoWikis } from '@authbridge/accounts';
import { isPostgresUrl } from '@authbridge/storage';
import { MetricsServer } from '../../apps/identity-api/src/metrics/metrics-endpoint';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';

const PASSWORD = 'correct horse battery staple';

/** The value of one series in Prometheus text (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  describe('on the API port, no token', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ THROTTLE_MAX_FAILURES: '2', THROTTLE_LOCK_SECONDS: '60' });
      await t.accounts.create({ username: 'jane_doe', password: PASSWORD });
      await t.app.get(SsoWikis).add('wiki-a', 'http://127.0.0.1:9/w', t.secrets['sso:redeem'].split('_')[1]);
      const verify = (password: string) => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Jane doe', password }).expect(200);
      expect((await verify(PASSWORD)).body.result).toBe('PASS');
      expect((await verify('wrong one')).body.code).toBe('WRONG_PASSWORD');
      expect((await verify('wrong two')).body.code).toBe('THROTTLED');
      const ticket = (await t.http.post('/v1/sso/tickets').set(bearer(t.secrets['sso:issue'])).send({ username: 'Jane doe' }).expect(201)).body.ticket;
      await t.http.post('/v1/sso/tickets/redeem').set(bearer(t.secrets['sso:redeem'])).send({ ticket }).expect(200);
      await t.http.post('/v1/sso/tickets/redeem').set(bearer(t.secrets['sso:redeem'])).send({ ticket }).expect(409);
      await t.http.get('/v1/users/Jane%20doe').set(bearer(t.secrets['users:read'])).expect(200);
    });
    afterAll(() => t.close());

    it('counts verify outcomes by code, password checks, locks and tickets', async () => {
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.text;
      expect(sample(text, 'authbridge_verify_total{outcome="PASS"}')).toBe(1);
      expect(sample(text, 'authbridge_verify_total{outcome="WRONG_PASSWORD"}')).toBe(1);
      expect(sample(text, 'authbridge_verify_total{outcome="THROTTLED"}')).toBe(1);
      // Three answers, three argon2id checks (the second wrong guess was checked, then locked).
      expect(sample(text, 'authbridge_password_check_seconds_count')).toBe(3);
      expect(sample(text, 'authbridge_locks_total{counter="ACCOUNT_ADDRESS"}')).toBe(1);
      expect(sample(text, 'authbridge_sso_tickets_total{result="issued",code=""}')).toBe(1);
      expect(sample(text, 'authbridge_sso_tickets_total{result="redeemed",code=""}')).toBe(1);
      expect(sample(text, 'authbridge_sso_tickets_total{result="refused",code="TICKET_REPLAYED"}')).toBe(1);
    });

    it('times requests by route template, not by the raw URL', async () => {
      const text = (await t.http.get('/metrics').expect(200)).text;
      expect(sample(text, 'authbridge_http_request_duration_seconds_count{method="POST",route="/v1/auth/verify",status="200"}')).toBe(3);
      expect(sample(text, 'authbridge_http_request_duration_seconds_count{method="GET",route="/v1/users/:username",status="200"}')).toBe(1);
      expect(text).not.toContain('Jane%20doe');
    });

    it('shows the PostgreSQL pool in use, and no pool on SQLite', async () => {
      const text = (await t.http.get('/metrics').expect(200)).text;
      if (isPostgresUrl(process.env.TEST_DATABASE_URL ?? '')) {
        expect(sample(text, 'authbridge_database_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
        expect(sample(text, 'authbridge_database_pool_connections{state="waiting"}')).toBe(0);
      } else {
        expect(text).not.toMatch(/^authbridge_database_pool_connections\{/m);
      }
    });

    it('carries the process metrics and needs no client credential', async () => {
      const text = (await t.http.get('/metrics').expect(200)).text;
      expect(text).toMatch(/^authbridge_process_resident_memory_bytes \d+/m);
      expect(text).toMatch(/^authbridge_nodejs_eventloop_lag_seconds /m);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    const TOKEN = 'scrape-0123456789abcdef';
    beforeAll(async () => (t = await createTestApp({ METRICS_TOKEN: TOKEN })));
    afterAll(() => t.close());

    it('refuses a scrape without the token or with a client secret, and answers with it', async () => {
      await t.http.get('/metrics').expect(401);
      await t.http.get('/metrics').set(bearer(t.secrets.all)).expect(401);
      const res = await t.http.get('/metrics').set(bearer(TOKEN)).expect(200);
      expect(res.text).toContain('authbridge_verify_total');
    });
  });

  describe('with METRICS_PORT', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ METRICS_PORT: '0' })));
    afterAll(() => t.close());

    it('serves /metrics on its own port and not on the API port', async () => {
      const port = t.app.get(MetricsServer).port;
      expect(port).toEqual(expect.any(Number));
      await t.http.get('/metrics').set(bearer(t.secrets.all)).expect(404);
      const res = await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
      expect(res.text).toContain('authbridge_http_request_duration_seconds');
      await request(`http://127.0.0.1:${port}`).get('/v1/users').expect(404);
    });
  });

  describe('with METRICS=off', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ METRICS: 'off' })));
    afterAll(() => t.close());

    it('has no /metrics', async () => {
      await t.http.get('/metrics').set(bearer(t.secrets.all)).expect(404);
    });
  });
});
