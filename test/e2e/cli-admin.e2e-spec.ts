import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLIENT_CACHE_MS, Clock } from '@authbridge/accounts';
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

/** Each verb runs in the CLI and its effect is checked through the API on the same store. */
describe('npm run cli -- clients update|rotate|list, users update|delete|sessions end', () => {
  let dir: string;
  let env: Record<string, string>;
  let t: TestApp;
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json'], env);
    if (r.code !== 0) throw new Error(`cli ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-cli-admin-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` };
    // The API and the CLI share one SQLite file, as on a small wiki's server.
    t = await createTestApp({ ...env, ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' });
    await t.accounts.create({ username: 'Carla', email: 'carla@example.org', groups: ['staff', 'readers'] });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('clients update', () => {
    it('adds sso:redeem to the wiki client: the same secret may then redeem, and may no longer read users when that scope goes', async () => {
      const wiki = await json(['clients', 'create', '--name', 'wiki', '--scopes', 'auth:verify,users:read']);
      const redeem = () => t.http.post('/v1/sso/tickets/redeem').set(bearer(wiki.secret)).send({ ticket: 'x.y.z' });
      expect((await redeem()).status).toBe(403);
      await t.http.get('/v1/users/Carla').set(bearer(wiki.secret)).expect(200);

      const text = await cli(['clients', 'update', wiki.id, '--scopes', 'auth:verify,sso:redeem'], env);
      expect(text).toMatchObject({ code: 0 });
      expect(text.stdout).toContain('scopes +sso:redeem \u2212users:read');
      // The running API trusts a secret it checked for CLIENT_CACHE_MS; a change made by another
      // process (this CLI) reaches it after that (README, "clients revoke").
      await new Promise((resolve) => setTimeout(resolve, CLIENT_CACHE_MS + 100));
      // No longer a missing scope: the ticket itself is what is refused now.
      expect((await redeem()).body.code).toBe('TICKET_INVALID');
      expect((await t.http.get('/v1/users/Carla').set(bearer(wiki.secret)).expect(403)).body.code).toBe('FORBIDDEN');
    });

    it('renames a client, refuses a taken name or an unknown scope, and the audit text says what changed', async () => {
      const script = await json(['clients', 'create', '--name', 'script', '--scopes', 'users:read']);
      expect((await json(['clients', 'update', script.id, '--name', 'nightly-script'])).name).toBe('nightly-script');
      expect((await cli(['clients', 'update', script.id, '--name', 'wiki'], env)).stderr).toMatch(/already exists/);
      expect((await cli(['clients', 'update', script.id, '--scopes', 'everything'], env)).stderr).toMatch(/Unknown scope everything/);
      expect((await cli(['clients', 'update', 'nosuchclient0000', '--name', 'x'], env)).stderr).toMatch(/CLIENT_NOT_FOUND/);
      const audit = (await cli(['audit', 'list', '--event', 'client.update'], env)).stdout;
      expect(audit).toContain(`client ${script.id}: renamed script \u2192 nightly-script`);
    });
  });

  describe('clients rotate', () => {
    it('prints a new secret once; the old one works during the grace period and is refused after it', async () => {
      const site = await json(['clients', 'create', '--name', 'website', '--scopes', 'users:read']);
      const rotated = await json(['clients', 'rotate', site.id, '--grace', '24h']);
      expect(rotated.secret).not.toBe(site.secret);
      expect(rotated.secret).toMatch(new RegExp(`^abk_${site.id}_`));
      const read = (secret: string) => t.http.get('/v1/users/Carla').set(bearer(secret));
      await read(rotated.secret).expect(200);
      await read(site.secret).expect(200);

      // The API's clock 24 h and a second later: the grace is over.
      const clock = t.app.get(Clock);
      const later = new Date(Date.now() + 86401 * 1000);
      const spy = jest.spyOn(clock, 'now').mockReturnValue(later);
      try {
        await read(site.secret).expect(401);
        await read(rotated.secret).expect(200);
      } finally {
        spy.mockRestore();
      }
      const listed = (await json(['clients', 'list'])).find((c: { id: string }) => c.id === site.id);
      expect(listed.previousSecretValidUntil).toEqual(expect.any(String));
      expect(JSON.stringify(await json(['clients', 'list']))).not.toContain(rotated.secret);
    });

    it('with --grace 0 refuses the old secret at once; a bad duration is refused', async () => {
      const c = await json(['clients', 'create', '--name', 'shortlived', '--scopes', 'users:read']);
      const rotated = await json(['clients', 'rotate', c.id, '--grace', '0']);
      await t.http.get('/v1/users/Carla').set(bearer(c.secret)).expect(401);
      await t.http.get('/v1/users/Carla').set(bearer(rotated.secret)).expect(200);
      expect((await cli(['clients', 'rotate', c.id, '--grace', 'forever'], env)).stderr).toMatch(/--grace/);
      expect((await cli(['clients', 'rotate', c.id, '--grace', '31d'], env)).stderr).toMatch(/grace period/);
    });
  });

  describe('clients list', () => {
    it('shows names, scopes and when each client was last used', async () => {
      const fresh = await json(['clients', 'create', '--name', 'unused-client', '--scopes', 'audit:read']);
      const used = await json(['clients', 'create', '--name', 'used-client', '--scopes', 'users:read']);
      await t.http.get('/v1/users/Carla').set(bearer(used.secret)).expect(200);
      // The use is written without the request waiting for it.
      let listed: Array<{ id: string; lastUsedAt: string | null }> = [];
      for (let i = 0; i < 50; i++) {
        listed = await json(['clients', 'list']);
        if (listed.find((c) => c.id === used.id)?.lastUsedAt) break;
      }
      expect(listed.find((c) => c.id === used.id)?.lastUsedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      expect(listed.find((c) => c.id === fresh.id)?.lastUsedAt).toBeNull();
      const text = (await cli(['clients', 'list'], env)).stdout;
      expect(text).toMatch(new RegExp(`^${fresh.id}  unused-client +audit:read +never used`, 'm'));
      expect(text).toMatch(new RegExp(`^${used.id}  used-client +users:read +last used \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`, 'm'));
    });
  });

  it('npm run -s cli -- … --json prints only the JSON (no npm banner, no build messages)', async () => {
    const out = await new Promise<string>((done, fail) =>
      execFile('npm', ['run', '-s', 'cli', '--', 'clients', 'list', '--json'], { cwd: resolve('.'), env: { ...process.env, ...env } }, (error, stdout) => (error ? fail(error) : done(stdout))));
    expect(Array.isArray(JSON.parse(out))).toBe(true);
  });

  describe('users update', () => {
    it('changes email, real name, groups and disabled, visible through GET, and says what changed', async () => {
      const r = await cli(['users', 'update', 'carla', '--email', 'carla@new.example.org', '--real-name', 'Carla C.', '--groups', 'staff,editor'], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Updated Carla: email changed, real name changed, groups +editor \u2212readers.');
      const got = (await t.http.get('/v1/users/Carla').set(bearer(t.secrets['users:read'])).expect(200)).body;
      expect(got).toMatchObject({ email: 'carla@new.example.org', realName: 'Carla C.', groups: ['editor', 'staff'], disabled: false });

      await cli(['users', 'update', 'Carla', '--disabled'], env);
      expect((await t.http.get('/v1/users/Carla').set(bearer(t.secrets['users:read'])).expect(200)).body.disabled).toBe(true);
      expect((await cli(['users', 'update', 'Carla', '--enabled', '--email', 'carla@new.example.org'], env)).stdout).toContain('Updated Carla: disabled changed.');
      expect((await t.http.get('/v1/users/Carla').set(bearer(t.secrets['users:read'])).expect(200)).body.disabled).toBe(false);

      const audit = (await cli(['audit', 'list', '--username', 'Carla', '--event', 'user.update'], env)).stdout;
      expect(audit).toContain('email changed, real name changed, groups +editor \u2212readers');
      expect(audit).not.toContain('carla@new.example.org');
    });

    it('refuses nothing to change, both --disabled and --enabled, and an unknown user', async () => {
      expect((await cli(['users', 'update', 'Carla'], env)).stderr).toMatch(/Nothing to change/);
      expect((await cli(['users', 'update', 'Carla', '--disabled', '--enabled'], env)).stderr).toMatch(/not both/);
      expect((await cli(['users', 'update', 'Nobody', '--real-name', 'x'], env)).stderr).toMatch(/USER_NOT_FOUND/);
    });
  });

  describe('users delete and users sessions end', () => {
    it('deletes a user: the API no longer knows them and refuses their password', async () => {
      await t.accounts.create({ username: 'Dana', password: 'dana passphrase 42' });
      const verify = () => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Dana', password: 'dana passphrase 42' }).expect(200);
      expect((await verify()).body.result).toBe('PASS');
      expect((await cli(['users', 'delete', 'dana'], env)).stdout).toMatch(/^Deleted Dana \(id [0-9a-f-]+\)\.\n$/);
      await t.http.get('/v1/users/Dana').set(bearer(t.secrets['users:read'])).expect(404);
      expect((await verify()).body).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
      expect((await cli(['users', 'delete', 'Dana'], env)).stderr).toMatch(/USER_NOT_FOUND/);
    });

    it('sessions end records the single logout for the user', async () => {
      const r = await cli(['users', 'sessions', 'end', 'Carla'], env);
      expect(r).toMatchObject({ code: 0, stdout: 'No wiki is registered (sso wikis add).\n' });
      const page = (await t.http.get('/v1/audit?username=Carla&event=user.sessions').set(bearer(t.secrets['audit:read'])).expect(200)).body;
      expect(page.items).toHaveLength(1);
      expect((await cli(['users', 'sessions', 'end', 'Nobody'], env)).stderr).toMatch(/USER_NOT_FOUND/);
    });
  });
});
