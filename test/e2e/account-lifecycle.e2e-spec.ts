// Issue 9, "the account's life follows the website", API side: every account change reaches every
// registered wiki over the signed back channel, from an outbox written with the change.
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AccountNotifications, AuditLog, Clock, SsoKeys, SsoWikis, SystemClock, UserImporter } from '@authbridge/accounts';
import { DATABASE, KyselySsoKeyRepository, KyselyUserImportRepository, isPostgresUrl, openDatabase, type Db } from '@authbridge/storage';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database';
import { bearer, createTestApp, type TestApp } from './helpers/test-app';
import { startFakeWiki, type FakeWiki } from './helpers/fake-wiki';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();
const ISSUER = 'https://id.lifecycle.test';
jest.setTimeout(30000);

describe("the account's life follows the website (outbox and back channel)", () => {
  let t: TestApp;
  let db: Db;
  let wiki: FakeWiki;
  let other: FakeWiki;
  let wikiClient: string;
  const write = () => bearer(t.secrets['users:password']);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    t = await createTestApp({ SSO_ISSUER: ISSUER, NOTIFY_POLL_MS: '100', NOTIFY_RETRY_BASE_MS: '200', NOTIFY_RETRY_MAX_MS: '400', SSO_LOGOUT_TIMEOUT_MS: '1000' });
    db = t.app.get<Db>(DATABASE);
    const jwks = () => t.app.get(SsoKeys).jwks();
    wiki = await startFakeWiki({ jwks, issuer: ISSUER, wikiId: 'wiki-a' });
    other = await startFakeWiki({ jwks, issuer: ISSUER, wikiId: 'wiki-b' });
    wikiClient = t.secrets['sso:redeem'].split('_')[1];
    await t.app.get(SsoWikis).add('wiki-a', wiki.url, wikiClient);
    await t.app.get(SsoWikis).add('wiki-b', other.url, wikiClient);
  });
  afterAll(async () => {
    await t.close();
    await wiki.close();
    await other.close();
  });
  beforeEach(() => {
    wiki.received.length = 0;
    other.received.length = 0;
    wiki.refusedJtis.length = 0;
    wiki.refused = 0;
    wiki.status = 204;
    other.status = 204;
  });

  async function user(name: string, disabled = false) {
    return (await t.http.post('/v1/users').set(write()).send({ username: name, password: 'a long enough password', disabled }).expect(201)).body as { id: string; username: string };
  }

  it('disabling tells every wiki, by uid, with the state and an increasing seq; enabling too, without ending sessions', async () => {
    const jane = await user('Life jane');
    await t.http.patch('/v1/users/Life_jane').set(write()).send({ disabled: true }).expect(200);
    const [disabled] = await wiki.waitFor(1, 10000, jane.id);
    expect(disabled).toMatchObject({ uid: jane.id, sub: 'Life jane', endSessions: true, state: 'disabled' });
    expect(validate('sso-logout-token-claims', disabled.claims)).toEqual([]);
    expect((await other.waitFor(1, 10000, jane.id))[0]).toMatchObject({ uid: jane.id, state: 'disabled', seq: disabled.seq });
    await t.http.patch('/v1/users/Life_jane').set(write()).send({ disabled: false }).expect(200);
    const enabled = (await wiki.waitFor(2, 10000, jane.id))[1];
    expect(enabled).toMatchObject({ uid: jane.id, endSessions: false, state: 'active' });
    expect(enabled.seq!).toBeGreaterThan(disabled.seq!);
    expect(enabled.jti).not.toBe(disabled.jti);
  });

  it('a password change or reset ends the sessions; a profile edit or a repeated disable sends nothing', async () => {
    const bob = await user('Life bob');
    await t.http.patch('/v1/users/Life_bob').set(write()).send({ realName: 'Bob' }).expect(200);
    await t.http.put('/v1/users/Life_bob/password').set(write()).send({ password: 'a new passphrase here' }).expect(204);
    expect((await wiki.waitFor(1, 10000, bob.id))[0]).toMatchObject({ uid: bob.id, endSessions: true, state: 'active' });
    await t.http.put('/v1/users/Life_bob/password').set(write()).send({ password: 'and another passphrase', currentPassword: 'a new passphrase here' }).expect(204);
    await wiki.waitFor(2, 10000, bob.id);
    await t.http.patch('/v1/users/Life_bob').set(write()).send({ disabled: true }).expect(200);
    await t.http.patch('/v1/users/Life_bob').set(write()).send({ disabled: true, realName: 'Bob B' }).expect(200);
    await sleep(600);
    expect(wiki.about(bob.id).map((r) => r.state)).toEqual(['active', 'active', 'disabled']);
  });

  it('a refused change (password policy) writes nothing to the outbox', async () => {
    await user('Life carol');
    const before = await count();
    await t.http.put('/v1/users/Life_carol/password').set(write()).send({ password: 'short' }).expect(400);
    expect(await count()).toBe(before);
  });

  it('deleting tells every wiki "deleted" for the old id', async () => {
    const dan = await user('Life dan');
    await t.http.delete('/v1/users/Life_dan').set(write()).expect(204);
    expect((await wiki.waitFor(1, 10000, dan.id))[0]).toMatchObject({ uid: dan.id, sub: 'Life dan', endSessions: true, state: 'deleted' });
    await other.waitFor(1, 10000, dan.id);
  });

  it('a wiki that is down catches up by retries with a fresh token each time; the audit log says so', async () => {
    const eve = await user('Life eve');
    wiki.status = 503;
    await t.http.patch('/v1/users/Life_eve').set(write()).send({ disabled: true }).expect(200);
    expect((await other.waitFor(1, 10000, eve.id))[0]).toMatchObject({ uid: eve.id, state: 'disabled' });
    const deadline = Date.now() + 10000;
    while (wiki.refused < 3) {
      if (Date.now() > deadline) throw new Error('the down wiki was not retried');
      await sleep(50);
    }
    expect(new Set(wiki.refusedJtis).size).toBe(wiki.refusedJtis.length);
    wiki.status = 204;
    const [caught] = await wiki.waitFor(1, 10000, eve.id);
    expect(wiki.refusedJtis).not.toContain(caught.jti);
    expect(caught).toMatchObject({ uid: eve.id, state: 'disabled' });
    const audit = t.app.get(AuditLog);
    await waitUntil(async () => (await audit.list({ event: 'sso.notify', username: 'Life eve' })).items.some((e) => e.outcome === 'DELIVERED' && e.detail.wiki === 'wiki-a'));
    const events = (await audit.list({ event: 'sso.notify', username: 'Life eve' })).items.filter((e) => e.detail.wiki === 'wiki-a');
    expect(events.map((e) => e.outcome).sort()).toEqual(['DELIVERED', 'RETRYING']);
    const delivered = events.find((e) => e.outcome === 'DELIVERED')!;
    expect(delivered.detail).toMatchObject({ change: 'disabled', seq: caught.seq, httpStatus: 204 });
    expect(delivered.detail.attempts).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(events)).not.toMatch(/eyJ/);
  });

  it('rows written with the change survive an instance that never delivered them: the poller does', async () => {
    const fay = await user('Life fay');
    const notifications = t.app.get(AccountNotifications);
    // The instance "dies" right after the commit: no delivery at once.
    const spy = jest.spyOn(notifications, 'deliverSoon').mockImplementation(() => undefined);
    try {
      await t.http.patch('/v1/users/Life_fay').set(write()).send({ disabled: true }).expect(200);
    } finally {
      spy.mockRestore();
    }
    // Its claim (SSO_LOGOUT_TIMEOUT_MS + 10 s) holds the rows until it runs out; here we let it run out.
    await db.updateTable('account_event_deliveries').set({ next_attempt_at: Date.now() }).where('status', '=', 'pending').execute();
    expect((await wiki.waitFor(1, 10000, fay.id))[0]).toMatchObject({ uid: fay.id, state: 'disabled' });
  });

  it('an import that changes a password or the disabled flag tells the wikis (the poller sends it)', async () => {
    const gus = await user('Life gus');
    const dir = mkdtempSync(join(tmpdir(), 'authbridge-life-'));
    try {
      const file = join(dir, 'users.jsonl');
      writeFileSync(file, `${JSON.stringify({ username: 'Life gus', passwordHash: '$2y$04$nrU.iE/Nzkw6Q3OajSzMzOwiQ1CkoIskQjnQ84QbLKtEwnYtJb21a' })}\n${JSON.stringify({ username: 'Life hal', disabled: true })}\n`);
      // Life gus was made through the API, so only an import told to overwrite him may change his password.
      await new UserImporter(new KyselyUserImportRepository(db), t.app.get(Clock)).importFile(file, { overwriteExisting: true });
      const [heard] = await wiki.waitFor(1, 10000, gus.id);
      expect(heard).toMatchObject({ uid: gus.id, state: 'active', endSessions: true });
      await sleep(400);
      // A user the import created has no wiki sessions yet: nothing to tell.
      expect(wiki.about(gus.id)).toHaveLength(1);
      expect(wiki.received.filter((r) => r.sub === 'Life hal')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('single logout goes the same way: reported, and retried where a wiki was down', async () => {
    const ida = await user('Life ida');
    other.status = 500;
    const res = await t.http.post('/v1/sso/logout').set(bearer(t.secrets['sso:issue'])).send({ username: 'life_ida' }).expect(200);
    expect(res.body.results).toEqual([
      { wiki: 'wiki-a', status: 'ok', httpStatus: 204 },
      { wiki: 'wiki-b', status: 'failed', httpStatus: 500, retrying: true },
    ]);
    expect(wiki.about(ida.id)[0]).toMatchObject({ uid: ida.id, endSessions: true, state: null, seq: null });
    other.status = 204;
    expect((await other.waitFor(1, 10000, ida.id))[0]).toMatchObject({ uid: ida.id, endSessions: true, state: null });
    const audit = await t.app.get(AuditLog).list({ event: 'user.sessions', username: 'Life ida' });
    expect(audit.items).toHaveLength(1);
  });

  it('drops the deliveries of a wiki that was unregistered', async () => {
    const jo = await user('Life jo');
    other.status = 503;
    await t.http.patch('/v1/users/Life_jo').set(write()).send({ disabled: true }).expect(200);
    await wiki.waitFor(1, 10000, jo.id);
    await t.app.get(SsoWikis).remove('wiki-b');
    try {
      await waitUntil(async () => (await t.app.get(AuditLog).list({ event: 'sso.notify', username: 'Life jo' })).items.some((e) => e.outcome === 'DROPPED'));
      const pending = await db.selectFrom('account_event_deliveries').select('id').where('wiki_id', '=', 'wiki-b').where('status', '=', 'pending').execute();
      expect(pending).toEqual([]);
      expect(jo.id).toBeDefined();
    } finally {
      await t.app.get(SsoWikis).add('wiki-b', other.url, wikiClient);
    }
  });

  async function count(): Promise<number> {
    return Number((await db.selectFrom('account_event_deliveries').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }

  async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await sleep(50);
    }
  }
});

describe('the CLI tells the wikis itself, before it exits', () => {
  const CLI = resolve('dist/apps/cli/src/main.js');
  let dir: string;
  let scratch: ScratchDatabase | undefined;
  let env: Record<string, string>;
  let wiki: FakeWiki;
  let keysDb: Db;

  const run = (args: string[], input?: string) => new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    child.stdin!.end(input ?? '');
  });

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-life-cli-'));
    const base = process.env.TEST_DATABASE_URL ?? 'sqlite::memory:';
    scratch = isPostgresUrl(base) ? await createScratchDatabase(base) : undefined;
    env = { DATABASE_URL: scratch?.url ?? `sqlite:${join(dir, 'cli.sqlite')}`, SSO_ISSUER: ISSUER, LOG_LEVEL: 'silent' };
    keysDb = openDatabase(env.DATABASE_URL).db;
    const keys = () => new SsoKeys(new KyselySsoKeyRepository(keysDb), new SystemClock()).jwks();
    wiki = await startFakeWiki({ jwks: keys, issuer: ISSUER, wikiId: 'cli-wiki' });
    const client = JSON.parse((await run(['clients', 'create', '--name', 'wiki', '--scopes', 'sso:redeem', '--json'])).stdout).id;
    expect((await run(['sso', 'wikis', 'add', '--id', 'cli-wiki', '--url', wiki.url, '--client', client])).code).toBe(0);
  }, 60000);
  afterAll(async () => {
    await keysDb?.destroy();
    await wiki?.close();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('users disable, set-password and sessions end are delivered by the command itself', async () => {
    const user = JSON.parse((await run(['users', 'create', '--username', 'Cli life', '--json'])).stdout);
    expect((await run(['users', 'disable', 'Cli life'])).code).toBe(0);
    // No API runs: what the wiki heard, the CLI sent before it exited.
    expect(wiki.received).toHaveLength(1);
    expect(wiki.received[0]).toMatchObject({ uid: user.id, state: 'disabled', endSessions: true });
    expect((await run(['users', 'set-password', 'Cli life', '--password-stdin'], 'a new cli passphrase\n')).code).toBe(0);
    expect(wiki.received[1]).toMatchObject({ uid: user.id, state: 'disabled', endSessions: true, seq: expect.any(Number) });
    expect(wiki.received[1].seq!).toBeGreaterThan(wiki.received[0].seq!);
    const ended = await run(['users', 'sessions', 'end', 'Cli life', '--json']);
    expect(JSON.parse(ended.stdout)).toEqual({ results: [{ wiki: 'cli-wiki', status: 'ok', httpStatus: 204 }] });
    expect(wiki.received[2]).toMatchObject({ uid: user.id, state: null, endSessions: true });
    wiki.status = 503;
    const down = await run(['users', 'sessions', 'end', 'Cli life']);
    expect(down.stdout).toContain('cli-wiki: not confirmed (HTTP 503); the API will retry');
  }, 60000);
});
