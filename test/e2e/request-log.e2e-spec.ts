import { bearer, createTestApp, type TestApp } from './helpers/test-app';

const lines = (t: TestApp) => t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('request log lines', () => {
  describe('LOG_REQUESTS=errors (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
      await t.accounts.create({ username: 'Jane doe' });
    });
    afterAll(() => t.close());

    it('writes no line for an answered look-up, one for a refusal, with the caller\'s request id and never the secret', async () => {
      const before = t.logs.length;
      await t.http.get('/v1/users/Jane_doe').set(bearer(t.secrets['users:read'])).set('X-Request-Id', 'wiki-req-1').expect(200);
      expect(t.logs.slice(before).filter((l) => l.includes('wiki-req-1'))).toEqual([]);
      await t.http.get('/v1/users/Nobody_here').set(bearer(t.secrets['users:read'])).set('X-Request-Id', 'wiki-req-2').expect(404);
      await t.http.get('/v1/users/Jane_doe').set(bearer('abk_0000000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro')).set('X-Request-Id', 'wiki-req-3').expect(401);
      const refused = lines(t).filter((l) => l.msg === 'request refused');
      expect(refused).toEqual(expect.arrayContaining([
        expect.objectContaining({ reqId: 'wiki-req-2', method: 'GET', url: '/v1/users/Nobody_here', status: 404, level: 40 }),
        expect.objectContaining({ reqId: 'wiki-req-3', status: 401 }),
      ]));
      expect(t.logs.join('\n')).not.toContain(t.secrets['users:read']);
      expect(t.logs.join('\n')).not.toContain('wrongwrongwrong');
    });

    it('names the request id in the problem, a fresh one when the given id is not sane', async () => {
      const res = await t.http.get('/v1/users/Nobody_here').set(bearer(t.secrets['users:read'])).set('X-Request-Id', 'bad id with spaces').expect(404);
      expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('LOG_REQUESTS=all', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ LOG_REQUESTS: 'all' });
      await t.accounts.create({ username: 'Jane doe' });
    });
    afterAll(() => t.close());

    it('writes a line for an answered look-up too', async () => {
      await t.http.get('/v1/users/Jane_doe').set(bearer(t.secrets['users:read'])).set('X-Request-Id', 'wiki-req-4').expect(200);
      expect(lines(t)).toContainEqual(expect.objectContaining({ reqId: 'wiki-req-4', status: 200, msg: 'request completed', level: 30 }));
    });
  });
});
