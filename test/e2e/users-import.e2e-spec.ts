import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { KyselyUserRepository, isPostgresUrl, openDatabase, type Db } from '@authbridge/storage';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database';

const CLI = resolve('dist/apps/cli/src/main.js');
const FIXTURE = resolve('test/fixtures/import-legacy-hashes.csv');
const { users: FIXTURE_USERS } = JSON.parse(readFileSync(resolve('test/fixtures/import-legacy-hashes.passwords.json'), 'utf8')) as {
  users: { username: string; format: string; password: string }[];
};

interface CliResult { code: number | null; stdout: string; stderr: string }

function cli(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A store of its own: a SQLite file, or a fresh PostgreSQL database when TEST_DATABASE_URL says so. */
async function scratchStore(dir: string, name: string): Promise<{ url: string; scratch?: ScratchDatabase }> {
  const base = process.env.TEST_DATABASE_URL;
  if (base && isPostgresUrl(base)) {
    const scratch = await createScratchDatabase(base);
    return { url: scratch.url, scratch };
  }
  return { url: `sqlite:${join(dir, `${name}.sqlite`)}` };
}

describe('users import (the built CLI), then POST /v1/auth/verify', () => {
  let dir: string;
  let store: { url: string; scratch?: ScratchDatabase };
  let db: Db;
  let users: KyselyUserRepository;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-import-e2e-'));
    store = await scratchStore(dir, 'legacy');
  });
  afterAll(async () => {
    await db?.destroy();
    await store.scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a user with each hash format', async () => {
    const r = await cli(['users', 'import', FIXTURE, '--json'], store.url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: FIXTURE_USERS.length, created: FIXTURE_USERS.length, updated: 0, unchanged: 0, skipped: 0 });
    // The CLI ran its migrations; read the rows through the repository from here on.
    db = openDatabase(store.url).db;
    users = new KyselyUserRepository(db);
    expect(new Set(FIXTURE_USERS.map((u) => u.format)).size).toBe(9);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await Promise.all(FIXTURE_USERS.map((u) => users.findByUsername(u.username)));
    const r = await cli(['users', 'import', FIXTURE, '--json'], store.url);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: FIXTURE_USERS.length, skipped: 0 });
    expect(await Promise.all(FIXTURE_USERS.map((u) => users.findByUsername(u.username)))).toEqual(before);
  });

  it('records each import run in the audit log with its counts', async () => {
    const r = await cli(['audit', 'list', '--event', 'user.import', '--json'], store.url);
    const events = JSON.parse(r.stdout).items;
    expect(events.map((e: { outcome: string; detail: { created: number; unchanged: number } }) => [e.outcome, e.detail.created, e.detail.unchanged])).toEqual([
      ['ok', 0, FIXTURE_USERS.length],
      ['ok', FIXTURE_USERS.length, 0],
    ]);
  });

  describe('every imported user logs in with the original password, and is rehashed to argon2id', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ DATABASE_URL: store.url });
    });
    afterAll(() => t?.close());

    it.each(FIXTURE_USERS)('$username ($format)', async ({ username, password }) => {
      const verify = (pw: string) => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password: pw }).expect(200);
      expect((await users.findByUsername(username))?.passwordHash).not.toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect((await verify(password)).body).toMatchObject({ result: 'PASS', user: { username } });
      const rehashed = (await users.findByUsername(username))?.passwordHash;
      expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);
      expect((await verify(password)).body.result).toBe('PASS');
      expect((await users.findByUsername(username))?.passwordHash).toBe(rehashed);
    });

    it('answers WRONG_PASSWORD for a wrong password against an old format', async () => {
      const res = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Import mw B', password: 'not the password' }).expect(200);
      expect(res.body).toMatchObject({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    });

    it('never logs a hash', () => {
      expect(t.logs.join('\n')).not.toMatch(/\$2[aby]\$|\$P\$|:pbkdf2|:B:|\$argon2/);
    });
  });

  it('a new import of the same file keeps the argon2id hashes the logins made', async () => {
    const r = await cli(['users', 'import', FIXTURE, '--json'], store.url);
    expect(JSON.parse(r.stdout)).toMatchObject({ unchanged: FIXTURE_USERS.length });
    for (const { username } of FIXTURE_USERS) expect((await users.findByUsername(username))?.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

describe('users import killed with SIGKILL half-way, then run again', () => {
  const ROWS = 120_000;
  let dir: string;
  let file: string;
  let store: { url: string; scratch?: ScratchDatabase };
  let db: Db | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'authbridge-import-kill-'));
    store = await scratchStore(dir, 'kill');
    file = join(dir, 'big.csv');
    const out = createWriteStream(file);
    out.write('username,email,realName,groups,passwordHash,disabled,emailVerified\n');
    for (let i = 0; i < ROWS; i++) {
      if (!out.write(`User ${i},u${i}@example.org,User ${i},imported,:B:${i}:0123456789abcdef0123456789abcdef,false,true\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  });
  afterAll(async () => {
    await db?.destroy();
    await store.scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (query: 'rows' | 'names') => {
    const statement = query === 'rows' ? sql<{ n: number }>`select count(*) as n from users` : sql<{ n: number }>`select count(distinct username) as n from users`;
    return Number((await statement.execute(db!)).rows[0].n);
  };

  it('ends with every row exactly once', async () => {
    const child = spawn(process.execPath, [CLI, 'users', 'import', file, '--json'], { env: { ...process.env, DATABASE_URL: store.url }, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // Wait until some batches are committed, then kill without any chance to clean up.
    const deadline = Date.now() + 60_000;
    let partial = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        db ??= openDatabase(store.url).db;
        partial = await count('rows');
      } catch {
        continue; // the CLI has not created the table yet
      }
      if (partial >= 10_000) break;
    }
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    partial = await count('rows');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(ROWS);

    const r = await cli(['users', 'import', file, '--json'], store.url);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ rows: ROWS, updated: 0, skipped: 0 });
    expect(summary.created + summary.unchanged).toBe(ROWS);
    expect(summary.unchanged).toBeGreaterThanOrEqual(partial);
    expect(await count('rows')).toBe(ROWS);
    expect(await count('names')).toBe(ROWS);
  }, 180_000);
});
