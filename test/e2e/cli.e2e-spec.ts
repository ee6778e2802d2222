import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';

const CLI = resolve('dist/apps/cli/src/main.js');

// Each case starts several CLI processes (Nest context, migrations, argon2id): seconds, not
// milliseconds, on a loaded 2-core machine. A guard against hangs, not a speed assertion.
jest.setTimeout(30000);

interface CliResult { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('npm run cli (the built command-line tool)', () => {
  let dir: string;
  let env: Record<string, string>;
  // The API on the CLI's own SQLite file, as on a small wiki's server: each command's effect is
  // read back through the API, not from what the command printed.
  let t: TestApp;
  const verify = async (username: string, password: string) =>
    (await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password }).expect(200)).body;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-cli-'));
    // Cheap argon2id on both sides: the hashes the CLI writes are what the API verifies.
    env = { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}`, ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' };
    t = await createTestApp(env);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clients create --json prints an id and a secret that is the whole credential', async () => {
    const r = await cli(['clients', 'create', '--name', 'wiki', '--scopes', 'auth:verify,users:read', '--json'], env);
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout);
    expect(created.id).toMatch(/^[a-z0-9]{16}$/);
    expect(created.secret).toMatch(new RegExp(`^abk_${created.id}_[A-Za-z0-9_-]{43}$`));
    expect(created.scopes).toEqual(['auth:verify', 'users:read']);
    const listed = JSON.parse((await cli(['clients', 'list', '--json'], env)).stdout);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(listed.map((c: { id: string }) => c.id)).toContain(created.id);
    // The printed secret is a working credential with exactly the scopes asked for.
    await t.http.post('/v1/auth/verify').set(bearer(created.secret)).send({ username: 'Nobody', password: 'x' }).expect(200);
    await t.http.get('/v1/users/Nobody').set(bearer(created.secret)).expect(404);
    expect((await t.http.post('/v1/sso/tickets').set(bearer(created.secret)).send({ username: 'Nobody' }).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('users create reads the password from stdin and users get shows the canonical user', async () => {
    const created = await cli(['users', 'create', '--username', 'cli_user', '--email', 'c@example.org', '--groups', 'staff,editors', '--password-stdin', '--json'], env, 'a fine passphrase\n');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username: 'Cli user', groups: ['editors', 'staff'] });
    const got = await cli(['users', 'get', 'Cli_user'], env);
    expect(got.stdout).toContain('Cli user');
    expect(got.stdout).not.toContain('argon2');
    // Stored, as the API reads it, with the password from stdin (without its newline).
    const read = await t.http.get('/v1/users/Cli_user').set(bearer(t.secrets['users:read'])).expect(200);
    expect(read.body).toMatchObject({ username: 'Cli user', email: 'c@example.org', groups: ['editors', 'staff'], disabled: false });
    expect(await verify('Cli user', 'a fine passphrase')).toMatchObject({ result: 'PASS', user: { username: 'Cli user' } });
    expect(await verify('Cli user', 'a fine passphrase\n')).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
  });

  it('users disable, enable and set-password report what they did, and the API sees it', async () => {
    expect((await cli(['users', 'disable', 'Cli user'], env)).stdout).toContain('disabled');
    expect(await verify('Cli user', 'a fine passphrase')).toEqual({ result: 'FAIL', code: 'ACCOUNT_DISABLED' });
    expect((await t.http.get('/v1/users/Cli user').set(bearer(t.secrets['users:read'])).expect(200)).body.disabled).toBe(true);
    expect((await cli(['users', 'enable', 'Cli user'], env)).stdout).toContain('enabled');
    expect(await verify('Cli user', 'a fine passphrase')).toMatchObject({ result: 'PASS' });
    expect((await cli(['users', 'set-password', 'Cli user', '--password-stdin'], env, 'another fine passphrase')).code).toBe(0);
    expect(await verify('Cli user', 'another fine passphrase')).toMatchObject({ result: 'PASS' });
    expect(await verify('Cli user', 'a fine passphrase')).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
  });

  it.each([
    ['an invalid user name', ['users', 'create', '--username', 'bad|name'], /INVALID_USERNAME/],
    ['an unknown user', ['users', 'get', 'Nobody'], /USER_NOT_FOUND/],
    ['an unknown scope', ['clients', 'create', '--name', 'x', '--scopes', 'everything'], /Unknown scope everything/],
    ['a weak password', ['users', 'set-password', 'Cli user', '--password', '123'], /PASSWORD_POLICY/],
  ])('fails with a clear one-line error for %s', async (_what, args, message) => {
    const r = await cli(args as string[], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('changes nothing when a command fails', async () => {
    // After the refusals above: no user from the bad name, no client with the unknown scope,
    // and the weak password did not replace the current one.
    expect(JSON.parse((await cli(['clients', 'list', '--json'], env)).stdout).map((c: { name: string }) => c.name)).not.toContain('x');
    expect(await verify('Cli user', 'another fine passphrase')).toMatchObject({ result: 'PASS' });
    expect(await verify('Cli user', '123')).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    expect((await t.http.get('/v1/users?limit=200').set(bearer(t.secrets['users:read'])).expect(200)).body.items.map((u: { username: string }) => u.username)).toEqual(['Cli user']);
  });

  it('stops with exit code 2 naming a bad setting', async () => {
    const r = await cli(['users', 'list'], { DATABASE_URL: 'mysql://nope' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });
});
