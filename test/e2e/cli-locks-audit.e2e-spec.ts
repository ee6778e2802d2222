import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClientCredentials } from '@authbridge/accounts';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';

const CLI = resolve('dist/apps/cli/src/main.js');
// Several CLI processes per case: seconds on a loaded 2-core machine (as cli.e2e-spec.ts says);
// a guard against hangs, not a speed assertion.
jest.setTimeout(30000);

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('npm run cli -- users locks|unlock, audit list, clients create --forwards-end-user-address', () => {
  let dir: string;
  let env: Record<string, string>;
  let t: TestApp;
  /** The secret of the client created by the first case, which forwards the end user's address. */
  let wikiSecret: string;
  const verifyFrom = (password: string) =>
    t.http.post('/v1/auth/verify').set(bearer(wikiSecret)).send({ username: 'Carla', password, context: { ip: '198.51.100.60' } }).expect(200);

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-cli-locks-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` };
    // The API and the CLI share one SQLite file, as on a small wiki's server.
    t = await createTestApp({ ...env, THROTTLE_MAX_FAILURES: '2', ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' });
    await t.accounts.create({ username: 'Carla', password: 'correct horse battery' });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a client that forwards the end user's address, and the API then uses context.ip", async () => {
    const created = JSON.parse((await cli(['clients', 'create', '--name', 'wiki', '--scopes', 'auth:verify', '--forwards-end-user-address', '--json'], env)).stdout);
    expect(created.forwardsEndUserAddress).toBe(true);
    wikiSecret = created.secret;
    expect((await t.app.get(ClientCredentials).authenticate(created.secret))?.forwardsEndUserAddress).toBe(true);
    for (let i = 0; i < 2; i++) await t.http.post('/v1/auth/verify').set(bearer(created.secret)).send({ username: 'Carla', password: 'wrong', context: { ip: '198.51.100.60' } }).expect(200);
  });

  it('users locks shows the lock per address, users unlock clears it', async () => {
    // Locked: even the right password from that address is not checked.
    expect((await verifyFrom('correct horse battery')).body).toMatchObject({ result: 'FAIL', code: 'THROTTLED' });
    const locked = JSON.parse((await cli(['users', 'locks', 'carla', '--json'], env)).stdout);
    expect(locked).toMatchObject({ username: 'Carla', locked: true, addresses: [{ address: '198.51.100.60', failures: 2 }] });
    const text = await cli(['users', 'locks', 'Carla'], env);
    expect(text.stdout).toMatch(/^Carla: LOCKED\n/);
    expect(text.stdout).toMatch(/198\.51\.100\.60 +2 failure\(s\), locked for \d+ s/);
    const unlock = await cli(['users', 'unlock', 'Carla'], env);
    expect(unlock).toMatchObject({ code: 0, stdout: 'Carla: cleared 2 failure(s) from 1 address(es); the lock is lifted.\n' });
    expect(JSON.parse((await cli(['users', 'locks', 'Carla', '--json'], env)).stdout)).toMatchObject({ locked: false, addresses: [] });
    // Lifted in the store, not only in the listing: the next check from that address runs and passes.
    expect((await t.http.get('/v1/users/Carla/lock').set(bearer(t.secrets['users:read'])).expect(200)).body).toMatchObject({ locked: false });
    expect((await verifyFrom('correct horse battery')).body).toMatchObject({ result: 'PASS', user: { username: 'Carla' } });
  });

  it('audit list prints the events, newest first, and refuses bad options', async () => {
    const page = JSON.parse((await cli(['audit', 'list', '--username', 'carla', '--json'], env)).stdout);
    expect(page.items.map((e: { event: string; outcome: string }) => `${e.event} ${e.outcome}`)).toEqual(['verify PASS', 'unlock OK', 'verify THROTTLED', 'verify THROTTLED', 'lock ACCOUNT_ADDRESS', 'verify WRONG_PASSWORD', 'user.create OK']);
    expect(page.items[1]).toMatchObject({ clientId: null, detail: { via: 'cli', failures: 2 } });
    const text = (await cli(['audit', 'list', '--event', 'verify'], env)).stdout;
    expect(text.split('\n')[0]).toMatch(/verify +PASS +Carla +client=[a-z0-9]{16} +address=198\.51\.100\.60 checked$/);
    // While locked the password was not even compared; the failure that set the lock was.
    expect(text.split('\n')[1]).toMatch(/verify +THROTTLED +Carla +client=[a-z0-9]{16} +address=198\.51\.100\.60 not-checked$/);
    expect(text.split('\n')[2]).toMatch(/verify +THROTTLED +Carla +client=[a-z0-9]{16} +address=198\.51\.100\.60 checked$/);
    const bad = await cli(['audit', 'list', '--event', 'everything'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/VALIDATION_FAILED/);
  });
});
