// USER_SOURCE=http against the example endpoint (examples/http-user-source/endpoint.php) served by
// a real `php -S`, its SQLite users made by the example's own manage.php. Issue 8: verify,
// look-ups and the list through the endpoint; a wrong secret, a 500, a timeout; and bad answers
// from a small node server standing in for the endpoint. The endpoint's own answers and the
// requests AuthBridge sends are checked against the contract's schemas.
import { jest } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { ConfigError } from '@authbridge/config';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const load = createRequire(path.resolve('test/support/index.cjs'));
const { startDelayProxy } = load(path.resolve('test/support/delay-proxy.cjs'));
const { freePort, waitFor, captureOutput, stopChild, httpRequest, sleep } = load(path.resolve('test/support/processes.cjs'));

jest.setTimeout(60000);
const validate = contractValidator();
/** SPEC.md "User sources": id = uuidv5("<USER_SOURCE_NAME>:<website id>", this namespace). */
const NAMESPACE = '26dc72df-90d1-4481-b6f0-150cc62bc6ca';
const EXAMPLE = path.resolve('examples/http-user-source');
const SECRET = 'example-endpoint-secret-0123456789';
const OTHER_SECRET = 'rotated-endpoint-secret-9876543210';
const TIMEOUT_MS = 1000;

/** The example endpoint under `php -S`, on a fixed port so it can be restarted with another secret. */
class ExampleEndpoint {
  child?: ChildProcess;
  constructor(readonly port: number, readonly db: string) {}

  get url() {
    return `http://127.0.0.1:${this.port}/`;
  }

  manage(...args: string[]): string {
    return execFileSync('php', [path.join(EXAMPLE, 'manage.php'), ...args], { env: { ...process.env, EXAMPLE_USERS_DB: this.db }, encoding: 'utf8' }).trim();
  }

  async start(secret: string) {
    const child = spawn('php', ['-S', `127.0.0.1:${this.port}`, path.join(EXAMPLE, 'endpoint.php')], {
      cwd: EXAMPLE,
      env: { ...process.env, AUTHBRIDGE_SOURCE_SECRET: secret, EXAMPLE_USERS_DB: this.db },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess & { killGroup?: boolean };
    child.killGroup = true;
    captureOutput(child);
    this.child = child;
    await waitFor('php -S endpoint.php', async () => (await this.call({ action: 'ping' }, secret)).status === 200, { child });
  }

  async stop() {
    await stopChild(this.child);
    this.child = undefined;
  }

  /** One request straight to the endpoint, as AuthBridge makes it. */
  async call(request: object, secret = SECRET) {
    const res = await httpRequest(this.url, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(request) });
    return { status: res.status as number, body: res.text ? JSON.parse(res.text) : undefined };
  }
}

/** A stand-in for the endpoint whose answer each test sets; it records what AuthBridge sent. */
async function startFakeEndpoint() {
  const seen: Array<{ authorization?: string; body: Record<string, unknown> }> = [];
  const user = { id: '7', login: 'fake.user', email: 'fake@example.org', realName: 'Fake User', groups: ['staff'], disabled: false, createdAt: '2026-01-02T03:04:05Z' };
  const normal = (req: Record<string, unknown>): unknown => {
    switch (req.action) {
      case 'ping': return { ok: true };
      case 'verify': return req.password === 'Fake pass 42' ? { result: 'PASS', user } : { result: 'WRONG_PASSWORD' };
      case 'lookup': return { users: (req.by === 'id' ? req.value === user.id : String(req.value).toLowerCase() === user.login) ? [user] : [] };
      default: return { users: [user], more: false };
    }
  };
  const fake = {
    seen,
    user,
    /** Answer every action but ping this way; undefined: the normal answers. */
    answer: undefined as undefined | ((req: Record<string, unknown>, res: http.ServerResponse) => void),
    url: '',
    server: http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        seen.push({ authorization: req.headers.authorization, body });
        if (fake.answer && body.action !== 'ping') return fake.answer(body, res);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(normal(body)));
      });
    }),
  };
  const port = await freePort();
  await new Promise<void>((resolve) => fake.server.listen(port, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${port}/`;
  return fake;
}

describe('USER_SOURCE=http against the example endpoint (php -S endpoint.php, SQLite users by manage.php)', () => {
  let dir: string;
  let endpoint: ExampleEndpoint;
  let proxy: any;
  let t: TestApp;
  const ids: Record<string, string> = {};
  const verify = (username: string, password: string) => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password });
  const lookup = (name: string) => t.http.get(`/v1/users/${encodeURIComponent(name)}`).set(bearer(t.secrets['users:read']));
  const idOf = (key: string) => uuidv5(`http:${ids[key]}`, NAMESPACE);
  const logText = () => t.logs.join('');
  /** The API's answer once the source is back: it must come without a restart. */
  const passesAgain = async () => {
    let body;
    for (let i = 0; i < 20 && body?.result !== 'PASS'; i++) {
      body = (await verify('jane.smith', 'Jane pass 42')).body;
      if (body.result !== 'PASS') await sleep(250);
    }
    return body;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'authbridge-http-source-'));
    endpoint = new ExampleEndpoint(await freePort(), path.join(dir, 'users.sqlite'));
    endpoint.manage('init');
    ids.jane = endpoint.manage('add', 'jane.smith', 'jane@example.org', 'Jane pass 42', 'editor,staff', 'Jane Smith');
    ids.dis = endpoint.manage('add', 'dis', 'dis@example.org', 'Dis pass 42');
    endpoint.manage('disable', ids.dis);
    ids.bob = endpoint.manage('add', 'bob', '', 'Bob pass 42', 'staff');
    for (let i = 0; i < 4; i++) ids[`member${i}`] = endpoint.manage('add', `member${i}`, `member${i}@example.org`, `Member ${i} pass 42`);
    await endpoint.start(SECRET);
    proxy = await startDelayProxy({ targetPort: endpoint.port });
    t = await createTestApp({ USER_SOURCE: 'http', USER_SOURCE_URL: `${proxy.url}/`, USER_SOURCE_SECRET: SECRET, USER_SOURCE_TIMEOUT_MS: String(TIMEOUT_MS) });
  }, 60000);

  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await endpoint?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('the endpoint\'s answers follow http-user-source-response.schema.json', () => {
    it.each([
      ['ping', { action: 'ping' }],
      ['verify', { action: 'verify', id: null, login: 'jane.smith', password: 'Jane pass 42' }],
      ['verify', { action: 'verify', id: null, login: 'jane.smith', password: 'wrong 42' }],
      ['verify', { action: 'verify', id: null, login: 'nobody', password: 'wrong 42' }],
      ['lookup', { action: 'lookup', by: 'email', value: 'JANE@example.org' }],
      ['lookup', { action: 'lookup', by: 'id', value: '999' }],
      ['list', { action: 'list', afterId: null, prefix: 'member', limit: 2 }],
    ])('%s %j', async (kind, request) => {
      expect(validate('http-user-source-request', request)).toEqual([]);
      const res = await endpoint.call(request);
      expect(res.status).toBe(200);
      expect(validate('http-user-source-response', res.body)).toEqual([]);
      expect(validate(`http-user-source-response#/$defs/${kind}`, res.body)).toEqual([]);
      expect(JSON.stringify(res.body)).not.toMatch(/\$2y\$/);
    });

    it('the schema catches a broken answer (the check can fail)', () => {
      expect(validate('http-user-source-response#/$defs/verify', { result: 'PASS' })).not.toEqual([]);
      expect(validate('http-user-source-response#/$defs/user', { id: '1', login: 'a\u0000b' })).not.toEqual([]);
    });

    it('refuses a wrong secret with 401 and no user data', async () => {
      const res = await endpoint.call({ action: 'lookup', by: 'login', value: 'jane.smith' }, OTHER_SECRET);
      expect(res).toEqual({ status: 401, body: { error: 'unauthorized' } });
    });

    it('reads the Authorization header whatever its case where the server gives no HTTP_AUTHORIZATION (Apache with mod_php)', async () => {
      // A router that hides HTTP_AUTHORIZATION, as such servers do; fetch sends the name in lower case.
      const router = path.join(dir, 'no-http-authorization.php');
      writeFileSync(router, `<?php unset($_SERVER['HTTP_AUTHORIZATION']); require ${JSON.stringify(path.join(EXAMPLE, 'endpoint.php'))};\n`);
      const port = await freePort();
      const child = spawn('php', ['-S', `127.0.0.1:${port}`, router], { env: { ...process.env, AUTHBRIDGE_SOURCE_SECRET: SECRET, EXAMPLE_USERS_DB: endpoint.db }, stdio: ['ignore', 'pipe', 'pipe'] });
      captureOutput(child);
      try {
        const ping = (headers: Record<string, string>) => httpRequest(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"action":"ping"}' });
        await waitFor('php -S without HTTP_AUTHORIZATION', async () => (await ping({})).status === 401, { child });
        for (const name of ['authorization', 'Authorization', 'AUTHORIZATION']) expect(((await ping({ [name]: `Bearer ${SECRET}` })).status)).toBe(200);
        expect((await ping({ authorization: `Bearer ${OTHER_SECRET}` })).status).toBe(401);
      } finally {
        await stopChild(child);
      }
    });
  });

  describe('POST /v1/auth/verify', () => {
    it('passes a user by login and by email with profile and groups, under an id keyed on the website id', async () => {
      for (const typed of ['jane.smith', 'Jane.smith', 'jane@example.org', 'JANE@example.org']) {
        const res = await verify(typed, 'Jane pass 42').expect(200);
        expect(validate('verify-response', res.body)).toEqual([]);
        expect(res.body).toEqual({
          result: 'PASS',
          user: expect.objectContaining({ id: idOf('jane'), username: 'Jane.smith', email: 'jane@example.org', realName: 'Jane Smith', groups: ['editor', 'staff'], disabled: false }),
        });
      }
      expect((await verify('bob', 'Bob pass 42').expect(200)).body.user).toMatchObject({ username: 'Bob', email: null, groups: ['staff'] });
    });

    it('a wrong password is WRONG_PASSWORD, an unknown name NO_SUCH_USER', async () => {
      expect((await verify('jane.smith', 'Jane pass 43').expect(200)).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      expect((await verify('jane@example.org', 'Jane pass 43').expect(200)).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      expect((await verify('nobody', 'Jane pass 42').expect(200)).body).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
      expect((await verify('nobody@example.org', 'Jane pass 42').expect(200)).body).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
    });

    it('a disabled user is ACCOUNT_DISABLED with the right password only', async () => {
      expect((await verify('dis', 'Dis pass 42').expect(200)).body).toEqual({ result: 'FAIL', code: 'ACCOUNT_DISABLED' });
      expect((await verify('dis', 'Dis pass 43').expect(200)).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    });

    it('a password change or a block on the website counts at the next login (nothing cached)', async () => {
      endpoint.manage('set-password', ids.bob, 'Bob new 43');
      expect((await verify('bob', 'Bob pass 42')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      expect((await verify('bob', 'Bob new 43')).body).toMatchObject({ result: 'PASS' });
      endpoint.manage('disable', ids.bob);
      expect((await verify('bob', 'Bob new 43')).body).toEqual({ result: 'FAIL', code: 'ACCOUNT_DISABLED' });
      endpoint.manage('enable', ids.bob);
      expect((await verify('bob', 'Bob new 43')).body).toMatchObject({ result: 'PASS' });
    });
  });

  describe('look-ups read through the endpoint', () => {
    it('GET /v1/users/{name}', async () => {
      const jane = await lookup('Jane.smith').expect(200);
      expect(validate('user', jane.body)).toEqual([]);
      expect(jane.body).toMatchObject({ id: idOf('jane'), username: 'Jane.smith', email: 'jane@example.org', realName: 'Jane Smith', groups: ['editor', 'staff'], disabled: false });
      expect((await lookup('Dis').expect(200)).body.disabled).toBe(true);
      // Never seen by a login before: found by the wiki name its login gives.
      expect((await lookup('Member3').expect(200)).body).toMatchObject({ id: idOf('member3'), email: 'member3@example.org' });
      await lookup('Nobody').expect(404);
    });

    it('GET /v1/users pages through the endpoint\'s list', async () => {
      const first = await t.http.get('/v1/users?limit=3').set(bearer(t.secrets['users:read'])).expect(200);
      expect(validate('user-page', first.body)).toEqual([]);
      expect(first.body.items).toHaveLength(3);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await t.http.get(`/v1/users?limit=200&cursor=${first.body.nextCursor}`).set(bearer(t.secrets['users:read'])).expect(200);
      const names = [...first.body.items, ...rest.body.items].map((u: { username: string }) => u.username);
      expect(names).toEqual(['Jane.smith', 'Dis', 'Bob', 'Member0', 'Member1', 'Member2', 'Member3']);
      const members = await t.http.get('/v1/users?prefix=Member&limit=200').set(bearer(t.secrets['users:read'])).expect(200);
      expect(members.body.items.map((u: { username: string }) => u.username)).toEqual(['Member0', 'Member1', 'Member2', 'Member3']);
    });
  });

  describe('the endpoint fails', () => {
    it('a 500 from it (its SQLite file gone) is 503 SOURCE_UNAVAILABLE, readiness says so; both recover without a restart', async () => {
      renameSync(endpoint.db, `${endpoint.db}.away`);
      try {
        expect((await endpoint.call({ action: 'ping' })).status).toBe(500);
        const res = await verify('jane.smith', 'Jane pass 42').expect(503);
        expect(validate('problem', res.body)).toEqual([]);
        expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
        expect(JSON.stringify(res.body)).not.toMatch(/no user database|\.php|at .*\.ts/);
        expect((await lookup('Jane.smith').expect(503)).body.code).toBe('SOURCE_UNAVAILABLE');
        expect((await t.http.get('/health/ready').expect(503)).body.detail).toMatch(/user source/);
        expect(logText()).toMatch(/the user source did not answer.*HTTP 500/);
      } finally {
        renameSync(`${endpoint.db}.away`, endpoint.db);
      }
      expect(await passesAgain()).toMatchObject({ result: 'PASS' });
      expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', userSource: 'http' });
    });

    it('no answer within USER_SOURCE_TIMEOUT_MS (a delay proxy holds the connection) is 503 SOURCE_UNAVAILABLE in time; recovers', async () => {
      proxy.setDelay(5000);
      proxy.dropConnections();
      try {
        const started = Date.now();
        const res = await verify('jane.smith', 'Jane pass 42');
        const elapsed = Date.now() - started;
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
        // It waited for the timeout (a lower bound, which a loaded machine cannot break); that the
        // timeout and not something else ended it is in the log line. Speed is the bench's job.
        expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(logText()).toContain(`no answer within ${TIMEOUT_MS} ms`);
        await t.http.get('/health/ready').expect(503);
      } finally {
        proxy.setDelay(0);
      }
      expect(await passesAgain()).toMatchObject({ result: 'PASS' });
      await t.http.get('/health/ready').expect(200);
    });

    it('a secret the endpoint no longer accepts is 503 SOURCE_UNAVAILABLE, never WRONG_PASSWORD, and no secret in any answer or log', async () => {
      await endpoint.stop();
      await endpoint.start(OTHER_SECRET);
      try {
        for (const [typed, password] of [['jane.smith', 'Jane pass 42'], ['jane.smith', 'wrong 42'], ['nobody', 'x']]) {
          const res = await verify(typed, password).expect(503);
          expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
          expect(JSON.stringify(res.body)).not.toContain(SECRET);
        }
        await t.http.get('/health/ready').expect(503);
        expect(logText()).toMatch(/the user source did not answer.*HTTP 401/);
      } finally {
        await endpoint.stop();
        await endpoint.start(SECRET);
      }
      expect(await passesAgain()).toMatchObject({ result: 'PASS' });
      for (const text of [logText(), ...(endpoint.child as any).outputLines]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(OTHER_SECRET);
        expect(text).not.toContain('Jane pass 42');
      }
    });

    it('the endpoint down (php -S stopped) is 503 SOURCE_UNAVAILABLE at once, readiness says so; it works again when php is back', async () => {
      await endpoint.stop();
      try {
        const before = t.logs.length;
        const res = await verify('jane.smith', 'Jane pass 42').expect(503);
        expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
        // Refused at once, not waited out: the reason is the closed or refused connection
        // (UND_ERR_SOCKET, ECONNREFUSED, by the proxy's timing), not the timeout.
        const reasons = t.logs.slice(before).filter((l) => l.includes('the user source did not answer'));
        expect(reasons.length).toBeGreaterThan(0);
        expect(reasons.join('\n')).toMatch(/"reason":"(UND_ERR_SOCKET|ECONNREFUSED|ECONNRESET|other side closed)"/);
        expect(reasons.join('\n')).not.toContain('no answer within');
        await t.http.get('/health/ready').expect(503);
      } finally {
        await endpoint.start(SECRET);
      }
      expect(await passesAgain()).toMatchObject({ result: 'PASS' });
      await t.http.get('/health/ready').expect(200);
    });

    it('a wrong USER_SOURCE_SECRET stops start-up naming the setting, without the secret', async () => {
      const error = await createTestApp({ USER_SOURCE: 'http', USER_SOURCE_URL: endpoint.url, USER_SOURCE_SECRET: OTHER_SECRET }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^USER_SOURCE_SECRET: .*HTTP 401/);
      expect(error.message).not.toContain(OTHER_SECRET);
    });
  });
});

describe('USER_SOURCE=http against a node server standing in for the endpoint (bad answers)', () => {
  let fake: Awaited<ReturnType<typeof startFakeEndpoint>>;
  let t: TestApp;
  const verify = (username: string, password: string) => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password });
  const json = (status: number, body: unknown) => (_req: unknown, res: http.ServerResponse) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  beforeAll(async () => {
    fake = await startFakeEndpoint();
    t = await createTestApp({ USER_SOURCE: 'http', USER_SOURCE_URL: fake.url, USER_SOURCE_SECRET: SECRET, USER_SOURCE_TIMEOUT_MS: String(TIMEOUT_MS) });
  });

  afterEach(() => {
    fake.answer = undefined;
  });

  afterAll(async () => {
    await t?.close();
    fake.server.closeAllConnections();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  /** After a bad answer: the API is still up, and a good answer passes again. */
  const stillServes = async () => {
    fake.answer = undefined;
    expect((await verify('fake.user', 'Fake pass 42').expect(200)).body).toMatchObject({ result: 'PASS', user: { username: 'Fake.user', groups: ['staff'] } });
  };

  it('sends requests that follow http-user-source-request.schema.json, with the secret as a bearer token', async () => {
    await stillServes();
    await t.http.get('/v1/users/Fake.user').set(bearer(t.secrets['users:read'])).expect(200);
    await t.http.get('/v1/users?limit=5').set(bearer(t.secrets['users:read'])).expect(200);
    const actions = new Set(fake.seen.map((s) => s.body.action));
    expect([...actions].sort()).toEqual(['list', 'lookup', 'ping', 'verify']);
    for (const { authorization, body } of fake.seen) {
      expect(authorization).toBe(`Bearer ${SECRET}`);
      expect(validate('http-user-source-request', body)).toEqual([]);
    }
  });

  it.each([
    ['invalid JSON', (_req: unknown, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"users": [oops'), 'the body is not JSON'],
    ['a JSON array', json(200, [1, 2]), 'the body is not a JSON object'],
    ['a body of 10 MB with a Content-Length', (_req: unknown, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 10 << 20 }).end(Buffer.alloc(10 << 20, 0x20)), 'the body is larger than 262144 bytes'],
    ['a body of 10 MB, chunked', (_req: unknown, res: http.ServerResponse) => { res.writeHead(200, { 'content-type': 'application/json' }); for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1 << 20, 0x20)); res.end('{}'); }, 'the body is larger than 262144 bytes'],
    ['a lookup answer without "users"', json(200, { user: [] }), 'the answer has no \\"users\\" array'],
    ['a 500', json(500, { error: 'internal error', trace: 'PDOException at /var/www/endpoint.php:42' }), 'HTTP 500'],
    ['a redirect', (_req: unknown, res: http.ServerResponse) => res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end(), 'HTTP 302'],
    ['no answer at all', () => undefined, `no answer within ${TIMEOUT_MS} ms`],
    ['headers, then a body that never ends', (_req: unknown, res: http.ServerResponse) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"users": ['); }, `no answer within ${TIMEOUT_MS} ms`],
  ])('%s: 503 SOURCE_UNAVAILABLE, a log line with the reason, no stack, no crash', async (_what, answer, reason) => {
    fake.answer = answer;
    const before = t.logs.length;
    const res = await verify('fake.user', 'Fake pass 42').expect(503);
    expect(validate('problem', res.body)).toEqual([]);
    expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toMatch(/oops|PDOException|endpoint\.php|at .*\.[jt]s|Fake pass/);
    const line = t.logs.slice(before).find((l) => l.includes('the user source did not answer') && l.includes(reason));
    expect(line).toBeDefined();
    expect(line).not.toContain('Fake pass 42');
    expect(line).not.toContain(SECRET);
    await stillServes();
  });

  it('a list answer without "more" (a field the action requires) is 503 SOURCE_UNAVAILABLE, not a silently short list', async () => {
    fake.answer = json(200, { users: [fake.user] });
    const before = t.logs.length;
    const res = await t.http.get('/v1/users?limit=10').set(bearer(t.secrets['users:read'])).expect(503);
    expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
    expect(t.logs.slice(before).join('')).toMatch(/the user source did not answer.*"list".*more/);
    await stillServes();
  });

  it('a verify answer that is neither PASS nor a refusal is SOURCE_UNAVAILABLE, never WRONG_PASSWORD', async () => {
    fake.answer = (req, res) => json(200, req.action === 'verify' ? { result: 'MAYBE' } : { users: [fake.user] })(req, res);
    expect((await verify('fake.user', 'Fake pass 42').expect(503)).body.code).toBe('SOURCE_UNAVAILABLE');
    expect(t.logs.join('')).toContain('the verify answer has no result PASS');
    await stillServes();
  });

  it('a PASS for another account than the one asked about is WRONG_PASSWORD, with a log line', async () => {
    await stillServes();
    fake.answer = (req, res) => json(200, req.action === 'verify' ? { result: 'PASS', user: { ...fake.user, id: '8', login: 'someone.else' } } : { users: [fake.user] })(req, res);
    expect((await verify('fake.user', 'Fake pass 42').expect(200)).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    expect(t.logs.join('')).toContain('the endpoint passed another account than the one asked about');
    await stillServes();
  });

  it.each([
    ['a user without an id', { login: 'fake.user' }, 'id'],
    ['a NUL in the login', { ...{ id: '7', login: 'fake\u0000user' } }, 'login'],
    ['a NUL in the real name', { id: '7', login: 'fake.user', realName: 'Fake\u0000User' }, 'realName'],
  ])('a PASS with %s refuses the account: 502 SOURCE_BAD_ROW, a log line naming the field, no crash', async (_what, user, field) => {
    fake.answer = (req, res) => json(200, req.action === 'verify' ? { result: 'PASS', user } : { users: [fake.user] })(req, res);
    const before = t.logs.length;
    const res = await verify('fake.user', 'Fake pass 42').expect(502);
    expect(validate('problem', res.body)).toEqual([]);
    expect(res.body.code).toBe('SOURCE_BAD_ROW');
    expect(JSON.stringify(res.body)).not.toMatch(/\\u0000|at .*\.[jt]s|Fake pass/);
    expect(t.logs.slice(before).join('')).toMatch(new RegExp(`refused a row of the user source.*${field}`));
    await stillServes();
  });

  it('a NUL in a login: the look-up refuses that account (502 SOURCE_BAD_ROW), the list skips it; both logged', async () => {
    fake.answer = json(200, { users: [{ id: '8', login: 'nul\u0000name' }, fake.user], more: false });
    const before = t.logs.length;
    const res = await t.http.get('/v1/users/Nul').set(bearer(t.secrets['users:read'])).expect(502);
    expect(res.body.code).toBe('SOURCE_BAD_ROW');
    expect(JSON.stringify(res.body)).not.toMatch(/nul\\u0000name|at .*\.[jt]s/);
    const page = await t.http.get('/v1/users?limit=10').set(bearer(t.secrets['users:read'])).expect(200);
    expect(page.body.items.map((u: { username: string }) => u.username)).toEqual(['Fake.user']);
    const lines = t.logs.slice(before).filter((l) => l.includes('refused a row of the user source') && l.includes('"field":"login"') && l.includes('NUL'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('')).not.toContain('nul\\u0000name');
    await stillServes();
  });

  // Last: a failed start takes over Nest's static logger, so the earlier app's log lines would go elsewhere.
  it('start-up stops naming USER_SOURCE_URL when the URL answers the ping with 200 but no {"ok": true} (a web page, not the endpoint)', async () => {
    const page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to our website</body></html>'));
    const port = await freePort();
    await new Promise<void>((resolve) => page.listen(port, '127.0.0.1', resolve));
    try {
      const error = await createTestApp({ USER_SOURCE: 'http', USER_SOURCE_URL: `http://127.0.0.1:${port}/`, USER_SOURCE_SECRET: SECRET }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^USER_SOURCE_URL: .*ping/);
      expect(error.message).not.toContain(SECRET);
    } finally {
      page.closeAllConnections();
      await new Promise((resolve) => page.close(resolve));
    }
  });
});
