import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../e2e/helpers/scratch-database';
import { call, cli, startApi, type ApiProcess, type HttpAnswer } from './api-processes';
import { postgresUrl } from './postgres-url';

const PASSWORD = 'correct horse battery staple';
/** The policy under test (SPEC.md, "Brute-force protection"), with a lock longer than the attack. */
const POLICY = { maxFailures: 5, accountMaxFailures: 30, addressMaxFailures: 100, lockSeconds: 30 };
const GUESSES = 1000;
const ADDRESSES = 50;
const CONCURRENCY = 8;

describe('two API instances on one PostgreSQL database', () => {
  let scratch: ScratchDatabase;
  let env: Record<string, string>;
  let a: ApiProcess;
  let b: ApiProcess;
  let wiki: string;
  let admin: string;
  const both = () => [a, b];

  beforeAll(async () => {
    execFileSync(process.execPath, [resolve('scripts/ensure-built.cjs')], { stdio: 'inherit' });
    scratch = await createScratchDatabase(postgresUrl());
    env = {
      DATABASE_URL: scratch.url,
      DATABASE_POOL_SIZE: '5',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      THROTTLE_MAX_FAILURES: String(POLICY.maxFailures),
      THROTTLE_ACCOUNT_MAX_FAILURES: String(POLICY.accountMaxFailures),
      THROTTLE_ADDRESS_MAX_FAILURES: String(POLICY.addressMaxFailures),
      THROTTLE_LOCK_SECONDS: String(POLICY.lockSeconds),
    };
    // Both start on an empty database at once: the migrations must run exactly once.
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
    wiki = (await cli(['clients', 'create', '--name', 'wiki', '--scopes', 'auth:verify,users:read', '--forwards-end-user-address', '--json'], env)).secret;
    admin = (await cli(['clients', 'create', '--name', 'admin', '--scopes', 'users:read,users:write,audit:read', '--json'], env)).secret;
  }, 180000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await scratch?.drop();
  });

  const verify = (api: ApiProcess, username: string, password: string, ip: string) =>
    call(api.url, 'POST', '/v1/auth/verify', wiki, { username, password, context: { ip } });

  it('reads on one instance the users created on the other', async () => {
    const created = await call(a.url, 'POST', '/v1/users', admin, { username: 'made_on_a', password: PASSWORD, groups: ['staff'] });
    expect(created.status).toBe(201);
    const read = await call(b.url, 'GET', '/v1/users/Made_on_a', admin);
    expect(read).toMatchObject({ status: 200, body: { id: created.body.id, username: 'Made on a', groups: ['staff'] } });
    await call(b.url, 'PATCH', '/v1/users/Made_on_a', admin, { realName: 'Set on B' });
    expect((await call(a.url, 'GET', '/v1/users/Made_on_a', admin)).body.realName).toBe('Set on B');
  });

  it('answers PASS and FAIL alike whichever instance is asked', async () => {
    const answers: HttpAnswer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await verify(both()[i % 2], 'Made on a', i % 3 === 0 ? 'wrong password' : PASSWORD, '203.0.113.1'));
    expect(answers.map((r) => r.body.result)).toEqual(['FAIL', 'PASS', 'PASS', 'FAIL', 'PASS', 'PASS']);
  });

  it('sees on one instance a lock made through the other, and clears it through either', async () => {
    await call(a.url, 'POST', '/v1/users', admin, { username: 'Locked out', password: PASSWORD });
    for (let i = 0; i < POLICY.maxFailures; i++) await verify(a, 'Locked out', `wrong ${i}`, '198.51.100.99');
    const onB = await verify(b, 'Locked out', PASSWORD, '198.51.100.99');
    expect(onB.body).toMatchObject({ result: 'FAIL', code: 'THROTTLED', retryAfterSeconds: expect.any(Number) });
    expect((await call(b.url, 'GET', '/v1/users/Locked_out/lock', admin)).body).toMatchObject({ locked: true, addresses: [{ address: '198.51.100.99', failures: POLICY.maxFailures }] });
    expect((await call(b.url, 'DELETE', '/v1/users/Locked_out/lock', admin)).status).toBe(204);
    expect((await verify(a, 'Locked out', PASSWORD, '198.51.100.99')).body.result).toBe('PASS');
  });

  /**
   * `spread` names the address of guess i: round robin (every address fresh until the account
   * locks) or in bursts of 20 (each address runs into its own limit first).
   */
  function bruteForce(victim: string, spread: string, addressOf: (i: number) => string) {
    describe(`${GUESSES} wrong guesses at one account from ${ADDRESSES} addresses through both instances, ${spread}`, () => {
      const answers: HttpAnswer[] = [];

      beforeAll(async () => {
        await call(a.url, 'POST', '/v1/users', admin, { username: victim, password: PASSWORD });
        let next = 0;
        // CONCURRENCY attackers, each sending its next guess as soon as the last one was answered.
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next < GUESSES) {
            const i = next++;
            answers.push(await verify(both()[i % 2], victim, `guess number ${i}`, addressOf(i)));
          }
        }));
      }, 120000);

      async function verifyEvents() {
        const events: Array<{ outcome: string; passwordChecked: boolean; address: string }> = [];
        let cursor: string | null = null;
        do {
          const page: HttpAnswer = await call(both()[events.length % 2].url, 'GET', `/v1/audit?username=${encodeURIComponent(victim)}&event=verify&limit=200${cursor ? `&cursor=${cursor}` : ''}`, admin);
          events.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor);
        return events;
      }

      it('answers every guess with WRONG_PASSWORD or THROTTLED', () => {
        expect(answers).toHaveLength(GUESSES);
        expect(answers.every((r) => r.status === 200 && r.body.result === 'FAIL')).toBe(true);
        expect(new Set(answers.map((r) => r.body.code))).toEqual(new Set(['WRONG_PASSWORD', 'THROTTLED']));
      });

      it('checks no more passwords than the policy allows, and the counters agree with the requests sent', async () => {
        const events = await verifyEvents();
        const checked = events.filter((e) => e.passwordChecked).length;
        // SPEC.md: at most min(5 × N, 30 + N − 1) checks from N addresses, plus those in flight when the lock falls.
        const bound = Math.min(POLICY.maxFailures * ADDRESSES, POLICY.accountMaxFailures + ADDRESSES - 1) + CONCURRENCY - 1;
        process.stdout.write(`brute force (${spread}): ${GUESSES} guesses, ${checked} password checks (policy bound ${bound})\n`);
        expect(events).toHaveLength(GUESSES);
        expect(checked).toBeLessThanOrEqual(bound);
        expect(checked).toBeGreaterThanOrEqual(POLICY.accountMaxFailures);
        expect(events.filter((e) => !e.passwordChecked).every((e) => e.outcome === 'THROTTLED')).toBe(true);
        expect(answers.filter((r) => r.body.code === 'WRONG_PASSWORD').length).toBe(events.filter((e) => e.outcome === 'WRONG_PASSWORD').length);
        const state = (await call(b.url, 'GET', `/v1/users/${encodeURIComponent(victim)}/lock`, admin)).body;
        expect(state.account.failures).toBe(checked);
        expect(state.addresses).toHaveLength(new Set(events.filter((e) => e.passwordChecked).map((e) => e.address)).size);
        expect(state.addresses.reduce((sum: number, x: { failures: number }) => sum + x.failures, 0)).toBe(checked);
        expect(state.account.retryAfterSeconds).toBeGreaterThan(0);
      });

      it('lets the owner in from a fresh address at once, but not from an address that guessed', async () => {
        const attacker = await verify(a, victim, PASSWORD, addressOf(7));
        expect(attacker.body).toMatchObject({ code: 'THROTTLED' });
        expect(attacker.body.retryAfterSeconds).toBeLessThanOrEqual(POLICY.lockSeconds * 2);
        expect((await verify(b, victim, PASSWORD, '203.0.113.200')).body).toMatchObject({ result: 'PASS', user: { username: victim } });
        expect((await verify(a, victim, PASSWORD, '2001:db8:77::1')).body.result).toBe('PASS');
      });
    });
  }

  bruteForce('Victim', 'round robin', (i) => `198.18.0.${(i % ADDRESSES) + 1}`);
  bruteForce('Second victim', 'in bursts of 20', (i) => `198.19.0.${(Math.floor(i / 20) % ADDRESSES) + 1}`);

  it('holds 300 guesses from 300 fresh addresses, sent through both instances at once, to the ceiling of 100 checks; the owner\'s known address still passes', async () => {
    const victim = 'Ceiling victim';
    await call(a.url, 'POST', '/v1/users', admin, { username: victim, password: PASSWORD });
    expect((await verify(b, victim, PASSWORD, '203.0.113.150')).body.result).toBe('PASS');
    let next = 0;
    const answers: HttpAnswer[] = [];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < 300) {
        const i = next++;
        answers.push(await verify(both()[i % 2], victim, `guess number ${i}`, i % 2 ? `2001:db8:${(0x100 + i).toString(16)}::1` : `198.20.${i >> 8}.${i & 255}`));
      }
    }));
    const events: Array<{ outcome: string; passwordChecked: boolean; detail: Record<string, unknown> }> = [];
    let cursor: string | null = null;
    do {
      const page: HttpAnswer = await call(a.url, 'GET', `/v1/audit?username=${encodeURIComponent(victim)}&event=verify&limit=200${cursor ? `&cursor=${cursor}` : ''}`, admin);
      events.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const checked = events.filter((e) => e.passwordChecked && e.outcome !== 'PASS').length;
    process.stdout.write(`ceiling: 300 guesses from 300 addresses, ${checked} password checks\n`);
    // Exactly: one head row per account serialises the instances' transactions, so none overshoots.
    expect(checked).toBe(100);
    expect(events.filter((e) => e.detail.refusedBy === 'ACCOUNT_CHECKS')).toHaveLength(200);
    expect((await verify(a, victim, PASSWORD, '192.0.2.150')).body).toMatchObject({ code: 'THROTTLED' });
    expect((await verify(a, victim, PASSWORD, '203.0.113.150')).body).toMatchObject({ result: 'PASS' });
  });

  it('stops gracefully on SIGTERM while answering', async () => {
    const inFlight = verify(b, 'Made on a', PASSWORD, '203.0.113.5');
    await new Promise((r) => setTimeout(r, 5));
    // A shutdown that hangs fails on the test's own timeout; how fast it is belongs to no assertion.
    const ended = await b.stop();
    expect((await inFlight).body.result).toBe('PASS');
    // Nest closes the server and the pool, then re-raises the signal so the exit status tells it.
    expect(ended).toBe('SIGTERM');
    expect(b.output.join('')).not.toMatch(/error/i);
  });
});
