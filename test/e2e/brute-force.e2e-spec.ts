import { ClientCredentials } from '@authbridge/accounts';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();
const PASSWORD = 'correct horse battery staple';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Boots an app with a forwarding client (the wiki) and one user; `env` sets the policy. */
async function appWithWiki(env: Record<string, string>) {
  const t = await createTestApp({ ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1', ...env });
  const wiki = (await t.app.get(ClientCredentials).create('wiki', ['auth:verify'], { forwardsEndUserAddress: true })).secret;
  await t.accounts.create({ username: 'Victim', password: PASSWORD });
  const verify = (password: string, ip?: string, secret = wiki, username = 'Victim') =>
    t.http.post('/v1/auth/verify').set(bearer(secret)).send({ username, password, ...(ip ? { context: { ip } } : {}) });
  const lock = async (username = 'Victim') => (await t.http.get(`/v1/users/${username}/lock`).set(bearer(t.secrets['users:read'])).expect(200)).body;
  const audit = async (query: Record<string, string | number>) => (await t.http.get('/v1/audit').query(query).set(bearer(t.secrets['audit:read'])).expect(200)).body;
  return { t, wiki, verify, lock, audit };
}

/** Every verify event of a name, following the cursor. */
async function verifyEvents(audit: (q: Record<string, string | number>) => Promise<{ items: Array<{ outcome: string; passwordChecked: boolean }>; nextCursor: string | null }>, username: string) {
  const all: Array<{ outcome: string; passwordChecked: boolean }> = [];
  let cursor: string | null = null;
  do {
    const page = await audit({ username, event: 'verify', limit: 200, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('brute-force protection over HTTP', () => {
  describe('concurrent failures', () => {
    it('counts 50 concurrent failures exactly (no lost update)', async () => {
      const { t, verify, lock, audit } = await appWithWiki({ THROTTLE_MAX_FAILURES: '1000', THROTTLE_ACCOUNT_MAX_FAILURES: '1000', THROTTLE_ADDRESS_MAX_FAILURES: '1000' });
      try {
        const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => verify(`wrong ${i}`, '198.51.100.20')));
        expect(answers.map((a) => a.body.code)).toEqual(Array(50).fill('WRONG_PASSWORD'));
        const state = await lock();
        expect(state.account.failures).toBe(50);
        expect(state.addresses).toEqual([expect.objectContaining({ address: '198.51.100.20', failures: 50 })]);
        const events = await verifyEvents(audit, 'Victim');
        expect(events.filter((e) => e.passwordChecked)).toHaveLength(50);
      } finally {
        await t.close();
      }
    });

    it('checks only THROTTLE_MAX_FAILURES of 50 guesses sent at once from one address', async () => {
      const { t, verify, lock, audit } = await appWithWiki({ THROTTLE_MAX_FAILURES: '5', THROTTLE_LOCK_SECONDS: '60' });
      try {
        const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => verify(`wrong ${i}`, '198.51.100.21')));
        const codes = answers.map((a) => a.body.code);
        expect(codes.filter((c) => c === 'WRONG_PASSWORD')).toHaveLength(4);
        expect(codes.filter((c) => c === 'THROTTLED')).toHaveLength(46);
        for (const answer of answers.filter((a) => a.body.code === 'THROTTLED')) {
          expect(answer.body.retryAfterSeconds).toBeGreaterThan(0);
          expect(validate('verify-response', answer.body)).toEqual([]);
        }
        const events = await verifyEvents(audit, 'Victim');
        expect(events).toHaveLength(50);
        expect(events.filter((e) => e.passwordChecked)).toHaveLength(5);
        expect((await lock()).addresses[0]).toMatchObject({ failures: 5, retryAfterSeconds: expect.any(Number) });
      } finally {
        await t.close();
      }
    });
  });

  describe('locks', () => {
    let app: Awaited<ReturnType<typeof appWithWiki>>;
    beforeAll(async () => {
      app = await appWithWiki({ THROTTLE_MAX_FAILURES: '3', THROTTLE_ACCOUNT_MAX_FAILURES: '6', THROTTLE_LOCK_SECONDS: '1', THROTTLE_MAX_LOCK_SECONDS: '2' });
    });
    afterAll(() => app.t.close());
    beforeEach(() => app.t.http.delete('/v1/users/Victim/lock').set(bearer(app.t.secrets['users:write'])).expect(204));

    it('GET /v1/users/{username}/lock shows the counters; DELETE clears them and lets the address in', async () => {
      for (let i = 0; i < 3; i++) await app.verify('wrong', '198.51.100.30');
      expect((await app.verify(PASSWORD, '198.51.100.30')).body.code).toBe('THROTTLED');
      const state = await app.lock('victim');
      expect(validate('account-lock', state)).toEqual([]);
      expect(state).toMatchObject({ username: 'Victim', locked: true, account: { failures: 3, lockedUntil: null, retryAfterSeconds: 0 } });
      expect(state.addresses).toEqual([{ address: '198.51.100.30', failures: 3, lockedUntil: expect.any(String), retryAfterSeconds: 1 }]);
      await app.t.http.delete('/v1/users/victim/lock').set(bearer(app.t.secrets['users:write'])).expect(204);
      expect(await app.lock()).toMatchObject({ locked: false, account: { failures: 0 }, addresses: [] });
      expect((await app.verify(PASSWORD, '198.51.100.30')).body.result).toBe('PASS');
    });

    it('lets an address in again when its lock runs out', async () => {
      for (let i = 0; i < 3; i++) await app.verify('wrong', '198.51.100.31');
      expect((await app.verify(PASSWORD, '198.51.100.31')).body).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 1 });
      await sleep(1100);
      expect((await app.verify(PASSWORD, '198.51.100.31')).body.result).toBe('PASS');
    });

    it('lets the owner in from a fresh address while the account is locked for the attacking addresses', async () => {
      for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.3']) await app.verify('wrong', ip);
      expect((await app.lock()).account.retryAfterSeconds).toBeGreaterThan(0);
      expect((await app.verify(PASSWORD, '192.0.2.1')).body.code).toBe('THROTTLED');
      expect((await app.verify(PASSWORD, '203.0.113.50')).body.result).toBe('PASS');
    });

    it('shows the counters of a name that does not exist, and of one MediaWiki would refuse', async () => {
      await app.verify('wrong', '198.51.100.32', undefined, 'Nobody here');
      expect((await app.lock('Nobody_here')).account.failures).toBe(1);
      expect((await app.t.http.get('/v1/users/Bad%5Bname%5D/lock').set(bearer(app.t.secrets['users:read'])).expect(200)).body.account.failures).toBe(0);
    });

    it('needs users:read to look and users:write to clear', async () => {
      await app.t.http.get('/v1/users/Victim/lock').set(bearer(app.t.secrets['auth:verify'])).expect(403);
      await app.t.http.delete('/v1/users/Victim/lock').set(bearer(app.t.secrets['users:read'])).expect(403);
    });
  });

  describe('PUT /v1/users/{username}/password with currentPassword', () => {
    it('counts a wrong currentPassword as a guess and answers 429 THROTTLED with Retry-After', async () => {
      const { t } = await appWithWiki({ THROTTLE_MAX_FAILURES: '3' });
      try {
        const change = (currentPassword: string) =>
          t.http.put('/v1/users/Victim/password').set(bearer(t.secrets['users:write'])).send({ password: 'a new long passphrase', currentPassword });
        expect((await change('wrong one').expect(403)).body.code).toBe('WRONG_PASSWORD');
        expect((await change('wrong two').expect(403)).body.code).toBe('WRONG_PASSWORD');
        const third = await change('wrong three').expect(429);
        expect(third.body).toMatchObject({ code: 'THROTTLED', status: 429, retryAfterSeconds: 60 });
        expect(third.headers['retry-after']).toBe('60');
        expect(validate('problem', third.body)).toEqual([]);
        expect((await change(PASSWORD).expect(429)).body.code).toBe('THROTTLED');
        await t.http.delete('/v1/users/Victim/lock').set(bearer(t.secrets['users:write'])).expect(204);
        await change(PASSWORD).expect(204);
      } finally {
        await t.close();
      }
    });
  });

  describe("the end user's address", () => {
    let app: Awaited<ReturnType<typeof appWithWiki>>;
    beforeAll(async () => {
      app = await appWithWiki({ THROTTLE_MAX_FAILURES: '3', THROTTLE_ADDRESS_MAX_FAILURES: '4' });
    });
    afterAll(() => app.t.close());

    it("takes context.ip from a forwarding client and the caller's own address from any other", async () => {
      await app.verify('wrong', '198.51.100.40');
      await app.verify('wrong', '198.51.100.40', app.t.secrets['auth:verify']);
      const events = (await app.audit({ username: 'Victim', event: 'verify' })).items;
      expect(events.map((e: { address: string; detail: { addressSource: string } }) => [e.address, e.detail.addressSource])).toEqual([
        ['127.0.0.1', 'caller'],
        ['198.51.100.40', 'context'],
      ]);
    });

    it('limits one forwarded address across names, but never the caller itself', async () => {
      const names = ['Spray a', 'Spray b', 'Spray c', 'Spray d', 'Spray e'];
      const forwarded = [];
      for (const name of names) forwarded.push((await app.verify('wrong', '198.51.100.41', undefined, name)).body.code);
      expect(forwarded).toEqual(['NO_SUCH_USER', 'NO_SUCH_USER', 'NO_SUCH_USER', 'THROTTLED', 'THROTTLED']);
      const direct = [];
      for (const name of names) direct.push((await app.verify('wrong', undefined, app.t.secrets['auth:verify'], name)).body.code);
      expect(direct).toEqual(Array(5).fill('NO_SUCH_USER'));
    });
  });
});
