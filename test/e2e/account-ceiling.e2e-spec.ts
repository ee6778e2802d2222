import { ClientCredentials, Clock } from '@authbridge/accounts';
import { DATABASE, isPostgresUrl, type Db } from '@authbridge/storage';
import { sql } from 'kysely';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

/**
 * Security review, issue 10, item 3 (the account-wide ceiling) and item 8 (names that are no user
 * kept as pseudonyms), over the real HTTP stack and store, with a clock the test moves.
 */
const validate = contractValidator();
const PASSWORD = 'correct horse battery staple';
const HOUR = 3600 * 1000;
const START = Date.parse('2026-12-01T00:00:00Z');

class MovableClock extends Clock {
  time = START;
  now() {
    return new Date(this.time);
  }
}

/** Guess number i from its own address: even ones IPv4, odd ones each from their own IPv6 /48. */
const botnet = (i: number) => (i % 2 === 0 ? `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}` : `2001:db8:${(i >> 1).toString(16)}::1`);

describe('the account-wide ceiling and pseudonyms over HTTP', () => {
  let t: TestApp;
  let clock: MovableClock;
  let wiki: string;
  let db: Db;
  const verify = (username: string, password: string, ip: string) =>
    t.http.post('/v1/auth/verify').set(bearer(wiki)).send({ username, password, context: { ip } });

  beforeAll(async () => {
    clock = new MovableClock();
    t = await createTestApp({ ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' }, { clock });
    wiki = (await t.app.get(ClientCredentials).create('wiki', ['auth:verify'], { forwardsEndUserAddress: true })).secret;
    db = t.app.get<Db>(DATABASE);
    await t.accounts.create({ username: 'Victim', password: PASSWORD });
  });
  afterAll(() => t.close());

  it('holds 10,000 wrong guesses from 10,000 addresses over a simulated day to at most 100 checks per rolling hour; the owner\'s known address still logs in', async () => {
    // The owner logged in from home before the attack began.
    expect((await verify('Victim', PASSWORD, '203.0.113.7').expect(200)).body.result).toBe('PASS');
    expect((await verify('Victim', PASSWORD, '2001:db8:ffff:1::5').expect(200)).body.result).toBe('PASS');
    const GUESSES = 10000;
    const AT_ONCE = 10;
    for (let batch = 0; batch < GUESSES / AT_ONCE; batch++) {
      clock.time = START + 60 * 1000 + Math.floor((batch * AT_ONCE * 86400 * 1000) / GUESSES);
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, (_, k) => verify('Victim', `guess ${batch * AT_ONCE + k}`, botnet(batch * AT_ONCE + k))));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(['WRONG_PASSWORD', 'THROTTLED']).toContain(answer.body.code);
      }
    }
    // The audit log's record of every password check, at the simulated time it happened.
    const rows = await db.selectFrom('audit_events').select(['at', 'outcome']).where('username', '=', 'Victim').where('event', '=', 'verify').where('password_checked', '=', 1).execute();
    const checkedAt = rows.filter((r) => r.outcome !== 'PASS').map((r) => Date.parse(r.at)).sort((x, y) => x - y);
    let most = 0;
    for (let a = 0, b = 0; b < checkedAt.length; b++) {
      while (checkedAt[a] <= checkedAt[b] - HOUR) a++;
      most = Math.max(most, b - a + 1);
    }
    process.stdout.write(`ceiling: ${GUESSES} guesses from ${GUESSES} addresses over 24 h, ${checkedAt.length} password checks, at most ${most} in any rolling hour\n`);
    expect(most).toBeLessThanOrEqual(100);
    expect(checkedAt.length).toBeGreaterThan(2300);
    expect(checkedAt.length).toBeLessThanOrEqual(2500);

    // Full now: a new address waits even with the right password; the owner's home does not.
    for (let i = 0; i < 100; i++) await verify('Victim', `late guess ${i}`, botnet(30000 + i));
    const stranger = await verify('Victim', PASSWORD, '192.0.2.99').expect(200);
    expect(stranger.body).toMatchObject({ result: 'FAIL', code: 'THROTTLED', retryAfterSeconds: expect.any(Number) });
    expect(validate('verify-response', stranger.body)).toEqual([]);
    const home = await verify('Victim', PASSWORD, '203.0.113.7').expect(200);
    expect(home.body).toMatchObject({ result: 'PASS', user: { username: 'Victim' } });
    // IPv6 is known by its /64 (the owner's own network): another /64 of the same /48 is a stranger.
    expect((await verify('Victim', PASSWORD, '2001:db8:ffff:1::99')).body.result).toBe('PASS');
    expect((await verify('Victim', PASSWORD, '2001:db8:ffff:2::5')).body.code).toBe('THROTTLED');
  }, 300000);

  it('keeps a typed name that is no user out of every table and log line, yet lets the administrator find its lock and events', async () => {
    const typed = 'Hunter2-typed-in-the-name-field';
    for (let i = 0; i < 5; i++) expect((await verify(typed, 'x', '198.51.100.44')).body.code).toMatch(/NO_SUCH_USER|THROTTLED/);
    const tables = isPostgresUrl(process.env.TEST_DATABASE_URL ?? '')
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows;
    expect(tables.length).toBeGreaterThan(10);
    for (const { name } of tables) {
      const dump = JSON.stringify((await sql`select * from ${sql.table(name)}`.execute(db)).rows);
      expect({ table: name, found: /hunter2/i.test(dump) }).toEqual({ table: name, found: false });
    }
    expect(t.logs.join('\n')).not.toMatch(/hunter2/i);

    const lock = await t.http.get(`/v1/users/${encodeURIComponent(typed)}/lock`).set(bearer(t.secrets['users:read'])).expect(200);
    expect(lock.body).toMatchObject({ username: typed, locked: true, addresses: [{ address: '198.51.100.44', failures: 5 }] });
    const events = await t.http.get('/v1/audit').query({ username: typed, event: 'verify' }).set(bearer(t.secrets['audit:read'])).expect(200);
    expect(events.body.items).toHaveLength(5);
    expect(events.body.items[0].username).toMatch(/^#unknown-[A-Za-z0-9_-]{22}$/);
    await t.http.delete(`/v1/users/${encodeURIComponent(typed)}/lock`).set(bearer(t.secrets['users:write'])).expect(204);
    expect((await t.http.get(`/v1/users/${encodeURIComponent(typed)}/lock`).set(bearer(t.secrets['users:read'])).expect(200)).body.locked).toBe(false);
  });
});
