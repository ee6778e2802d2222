import { SsoWikis } from '@authbridge/accounts';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';

const linesOf = (t: TestApp) => t.logs.flatMap((chunk) => chunk.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('X-Request-Id', () => {
  let t: TestApp;
  const issue = (id?: string) => {
    const req = t.http.post('/v1/sso/tickets').set(bearer(t.secrets['sso:issue']));
    return (id === undefined ? req : req.set('X-Request-Id', id)).send({ username: 'Jane doe' });
  };

  beforeAll(async () => {
    // LOG_REQUESTS=all: the request logger writes its "request completed" line for answered requests too.
    t = await createTestApp({ LOG_REQUESTS: 'all' });
    await t.accounts.create({ username: 'jane_doe' });
    await t.app.get(SsoWikis).add('wiki-a', 'http://127.0.0.1:9/w', t.secrets['sso:redeem'].split('_')[1]);
  });
  afterAll(() => t.close());

  it("keeps the caller's id, echoes it, and puts it on the application's and the request logger's lines of that request", async () => {
    const res = await issue('mw-Zx9f2Qa7Ck1pLm3n').expect(201);
    expect(res.headers['x-request-id']).toBe('mw-Zx9f2Qa7Ck1pLm3n');
    const lines = linesOf(t).filter((l) => l.reqId === 'mw-Zx9f2Qa7Ck1pLm3n');
    // "ticket issued" is written by the controller through Nest's Logger, not by the request logger.
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['ticket issued', 'request completed']));
  });

  it('gives a request without an id a fresh one, on the header and the lines', async () => {
    const res = await issue().expect(201);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(linesOf(t).filter((l) => l.reqId === id).map((l) => l.msg)).toContain('ticket issued');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['a space', 'two words'],
    ['a quote', 'x"}{"admin":true'],
    ['a newline-like control', 'a\tb'],
  ])('replaces an id with %s by a fresh one', async (_what, given) => {
    const res = await issue(given).expect(201);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(linesOf(t).some((l) => l.reqId === given)).toBe(false);
  });

  it('puts the id into a problem body as requestId', async () => {
    const res = await t.http.get('/v1/users/Nobody').set(bearer(t.secrets['users:read'])).set('X-Request-Id', 'abc.123').expect(404);
    expect(res.headers['x-request-id']).toBe('abc.123');
    expect(res.body.requestId).toBe('abc.123');
  });

  it('has no lines without a request id while serving', async () => {
    await issue('one-more').expect(201);
    const during = linesOf(t).filter((l) => l.msg === 'ticket issued' || l.msg === 'request completed');
    expect(during.every((l) => typeof l.reqId === 'string')).toBe(true);
  });
});
