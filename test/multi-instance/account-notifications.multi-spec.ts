// Issue 9: account changes reach the wikis with several API instances on one PostgreSQL: each
// change delivered, none lost (a wiki down for a while, an instance stopped mid-way), no row
// claimed by two instances (every delivery arrives exactly once when no instance dies mid-attempt).
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../e2e/helpers/scratch-database';
import { startFakeWiki, type FakeWiki } from '../e2e/helpers/fake-wiki';
import { call, cli, startApi, type ApiProcess } from './api-processes';
import { postgresUrl } from './postgres-url';

const USERS = 20;
jest.setTimeout(90000);
const ISSUER = 'multi-life';

describe('account notifications from two API instances on one PostgreSQL database', () => {
  let scratch: ScratchDatabase;
  let env: Record<string, string>;
  let a: ApiProcess;
  let b: ApiProcess;
  let admin: string;
  let wiki: FakeWiki;
  let pg: Client;

  beforeAll(async () => {
    execFileSync(process.execPath, [resolve('scripts/ensure-built.cjs')], { stdio: 'inherit' });
    scratch = await createScratchDatabase(postgresUrl());
    env = {
      DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: '5', SSO_ISSUER: ISSUER, ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1',
      NOTIFY_POLL_MS: '50', NOTIFY_RETRY_BASE_MS: '100', NOTIFY_RETRY_MAX_MS: '200', SSO_LOGOUT_TIMEOUT_MS: '1000',
    };
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
    admin = (await cli(['clients', 'create', '--name', 'admin', '--scopes', 'users:read,users:write,users:password', '--json'], env)).secret;
    const wikiClient = await cli(['clients', 'create', '--name', 'wiki', '--scopes', 'sso:redeem', '--json'], env);
    // The key set from b: a is stopped in the second test.
    wiki = await startFakeWiki({ jwks: async () => (await fetch(`${b.url}/.well-known/jwks.json`)).json() as never, issuer: ISSUER, wikiId: 'wiki-a' });
    await cli(['sso', 'wikis', 'add', '--id', 'wiki-a', '--url', wiki.url, '--client', wikiClient.id], env);
    pg = new Client({ connectionString: scratch.url });
    await pg.connect();
  }, 180000);

  afterAll(async () => {
    await pg?.end();
    await Promise.all([a?.stop(), b?.stop()]);
    await wiki?.close();
    await scratch?.drop();
  });

  const both = () => [a, b];

  it('delivers every change of both instances exactly once, also after the wiki was down', async () => {
    const users = await Promise.all(Array.from({ length: USERS }, (_, i) =>
      call(both()[i % 2].url, 'POST', '/v1/users', admin, { username: `Multi life ${i}`, password: 'a long enough password' })));
    expect(users.map((u) => u.status)).toEqual(Array(USERS).fill(201));
    wiki.status = 503;
    // Each user: disabled on one instance, re-enabled on the other, password reset on the first.
    await Promise.all(users.map(async (_u, i) => {
      const name = `Multi_life_${i}`;
      const [x, y] = i % 2 ? [a, b] : [b, a];
      expect((await call(x.url, 'PATCH', `/v1/users/${name}`, admin, { disabled: true })).status).toBe(200);
      expect((await call(y.url, 'PATCH', `/v1/users/${name}`, admin, { disabled: false })).status).toBe(200);
      expect((await call(x.url, 'PUT', `/v1/users/${name}/password`, admin, { password: 'a fresh passphrase' })).status).toBe(204);
    }));
    // While the wiki is down, both pollers keep retrying the same rows: let them compete a while.
    await new Promise((r) => setTimeout(r, 1500));
    expect(wiki.refused).toBeGreaterThan(USERS * 3);
    wiki.status = 204;
    const received = await wiki.waitFor(USERS * 3, 30000);
    await new Promise((r) => setTimeout(r, 500));

    const seqs = received.map((r) => r.seq!);
    expect(new Set(seqs).size).toBe(seqs.length);
    const { rows } = await pg.query<{ seq: string; status: string }>('select seq, status from account_event_deliveries');
    expect(rows.map((r) => r.status)).toEqual(Array(USERS * 3).fill('delivered'));
    expect(new Set(rows.map((r) => Number(r.seq)))).toEqual(new Set(seqs));
    // Per user, the wiki can order what it heard: disabled < enabled < password.
    for (const user of users) {
      const heard = received.filter((r) => r.uid === user.body.id).sort((p, q) => p.seq! - q.seq!);
      expect(heard.map((r) => [r.state, r.endSessions])).toEqual([['disabled', true], ['active', false], ['active', true]]);
    }
  });

  it('loses nothing when an instance stops while its deliveries are failing: the other one delivers them', async () => {
    wiki.received.length = 0;
    wiki.status = 503;
    const made = await call(a.url, 'POST', '/v1/users', admin, { username: 'Multi stopper', password: 'a long enough password' });
    expect((await call(a.url, 'PATCH', '/v1/users/Multi_stopper', admin, { disabled: true })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    await a.stop();
    wiki.status = 204;
    const [heard] = await wiki.waitFor(1, 30000);
    expect(heard).toMatchObject({ uid: made.body.id, state: 'disabled' });
    a = await startApi(env);
  });
});
