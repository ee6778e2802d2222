import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve('dist/apps/cli/src/main.js');
// Each CLI run starts Node and opens the store: about a second on a busy machine.
jest.setTimeout(30000);

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run cli -- sso (the built command-line tool)', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-sso-cli-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}` };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sso wikis add/list/remove registers the wikis that accept tickets', async () => {
    const client = JSON.parse((await cli(['clients', 'create', '--name', 'wiki', '--scopes', 'auth:verify,sso:redeem', '--json'], env)).stdout).id;
    const added = await cli(['sso', 'wikis', 'add', '--id', 'main-wiki', '--url', 'https://wiki.example.org/w/', '--client', client, '--json'], env);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ id: 'main-wiki', url: 'https://wiki.example.org/w', clientId: client });
    expect((await cli(['sso', 'wikis', 'list'], env)).stdout).toContain(`client ${client}`);
    expect(JSON.parse((await cli(['sso', 'wikis', 'list', '--json'], env)).stdout)).toHaveLength(1);
    expect((await cli(['sso', 'wikis', 'remove', 'main-wiki'], env)).code).toBe(0);
    const again = await cli(['sso', 'wikis', 'remove', 'main-wiki'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('UNKNOWN_AUDIENCE');
  });

  it('sso wikis add needs --client: tickets are redeemed only by the wiki they were issued for', async () => {
    const r = await cli(['sso', 'wikis', 'add', '--id', 'w', '--url', 'https://wiki.example.org'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--client');
  });

  it.each([
    ['a URL with a query', ['--id', 'w', '--url', 'https://wiki.example.org/?x=1']],
    ['a URL with credentials', ['--id', 'w', '--url', 'https://u:p@wiki.example.org/']],
    ['not a URL', ['--id', 'w', '--url', 'wiki.example.org']],
    ['an id with spaces', ['--id', 'my wiki', '--url', 'https://wiki.example.org']],
  ])('sso wikis add refuses %s', async (_what, args) => {
    const r = await cli(['sso', 'wikis', 'add', ...args, '--client', 'abc'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('VALIDATION_FAILED');
  });

  it('sso keys rotate adds a key, keeps the retired one listed, and never prints a private key', async () => {
    const first = JSON.parse((await cli(['sso', 'keys', 'rotate', '--json'], env)).stdout);
    const second = JSON.parse((await cli(['sso', 'keys', 'rotate', '--json'], env)).stdout);
    expect(second.kid).not.toBe(first.kid);
    expect(second.retired).toBe(1);
    const listed = await cli(['sso', 'keys', 'list', '--json'], env);
    const keys = JSON.parse(listed.stdout) as Array<{ kid: string; retiredAt: string | null }>;
    expect(keys.find((k) => k.kid === second.kid)?.retiredAt).toBeNull();
    expect(keys.find((k) => k.kid === first.kid)?.retiredAt).toEqual(expect.any(String));
    expect(listed.stdout).not.toMatch(/PRIVATE KEY|privatePem/);
  });
});
