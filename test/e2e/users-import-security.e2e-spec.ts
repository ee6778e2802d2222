import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserRepository, isPostgresUrl } from '@authbridge/storage';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database';

/*
 * Security review, issue 10: an import must neither bring in hashes whose cost freezes the API
 * (item 1) nor land a legacy person in an account it did not create (item 2).
 */

const CLI = resolve('dist/apps/cli/src/main.js');
// Each test starts the built CLI a few times; on a shared, loaded machine that is seconds each.
jest.setTimeout(60_000);

interface CliResult { code: number | null; stdout: string; stderr: string }

function cli(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const b64 = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64');
const BCRYPT_BODY = 'abcdefghijklmnopqrstuv' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ01234';
/** Well-formed hashes whose parameters are far outside COST_BOUNDS: computing any of them would take minutes to days. */
const HOSTILE = {
  bcrypt31: `$2y$31$${BCRYPT_BODY}`,
  argon2FourGiB: `$argon2id$v=19$m=4194304,t=3,p=1$${b64(16).replace(/=+$/, '')}$${b64(32).replace(/=+$/, '')}`,
  pbkdf2TenMillion: `:pbkdf2:sha512:10000000:64:${b64(16)}:${b64(64)}`,
  pbkdf2OneByte: `:pbkdf2:sha512:30000:1:${b64(16)}:${b64(1)}`,
};
const HASH_IN_LOG = /\$2y\$31|\$argon2id\$v=19\$m=4194304|:pbkdf2:sha512:(10000000|30000:1:)/;

describe('users import and verify: security review items 1 and 2', () => {
  let dir: string;
  let scratch: ScratchDatabase | undefined;
  let url: string;
  let t: TestApp;

  const csv = (name: string, rows: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, ['username,email,groups,passwordHash,disabled', ...rows].join('\n') + '\n');
    return file;
  };
  const importJson = async (file: string, ...flags: string[]) => {
    const r = await cli(['users', 'import', file, '--json', ...flags], url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('build first: node scripts/ensure-built.cjs (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'authbridge-import-security-'));
    const base = process.env.TEST_DATABASE_URL;
    if (base && isPostgresUrl(base)) {
      scratch = await createScratchDatabase(base);
      url = scratch.url;
    } else {
      url = `sqlite:${join(dir, 'store.sqlite')}`;
    }
    t = await createTestApp({ DATABASE_URL: url });
  });
  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('item 1: hashes outside the cost bounds', () => {
    it('skips each import line with its line number and reason, and never prints the hash', async () => {
      const file = csv('hostile.csv', [
        `Hostile bcrypt,,,${HOSTILE.bcrypt31},false`,
        `Hostile argon2,,,"${HOSTILE.argon2FourGiB}",false`,
        `Fine user,,,,false`,
        `Hostile pbkdf2 rounds,,,${HOSTILE.pbkdf2TenMillion},false`,
        `Hostile pbkdf2 bytes,,,${HOSTILE.pbkdf2OneByte},false`,
      ]);
      const summary = await importJson(file);
      expect(summary).toMatchObject({ rows: 5, created: 1, skipped: 4 });
      expect(summary.skippedLines).toEqual([
        { line: 2, username: 'Hostile bcrypt', reason: 'unusable password hash: bcrypt cost 31 is outside 4-13' },
        { line: 3, username: 'Hostile argon2', reason: 'unusable password hash: argon2 memory 4194304 KiB is above 262144 KiB' },
        { line: 5, username: 'Hostile pbkdf2 rounds', reason: 'unusable password hash: PBKDF2 rounds 10000000 are outside 1-1000000' },
        { line: 6, username: 'Hostile pbkdf2 bytes', reason: 'unusable password hash: PBKDF2 output of 1 bytes is outside 16-64' },
      ]);
      const human = await cli(['users', 'import', file], url);
      expect(human.stdout).toContain('line 2 ("Hostile bcrypt"): unusable password hash: bcrypt cost 31 is outside 4-13');
      expect(human.stdout + human.stderr).not.toMatch(HASH_IN_LOG);
      for (const name of ['Hostile bcrypt', 'Hostile argon2', 'Hostile pbkdf2 rounds', 'Hostile pbkdf2 bytes']) {
        expect(await t.app.get(UserRepository).findByUsername(name)).toBeUndefined();
      }
    });

    it.each(Object.entries(HOSTILE))('refuses a verify against a planted %s hash like a wrong password, without computing it, and logs it without the hash', async (kind, hash) => {
      const username = `Planted ${kind}`;
      const now = new Date().toISOString();
      await t.app.get(UserRepository).insert({
        id: crypto.randomUUID(), username, realName: '', email: null, emailVerified: false, groups: [], disabled: false, passwordHash: hash, passwordPreparation: null, createdAt: now, updatedAt: now,
      });
      const logged = t.logs.length;
      // Computed, bcrypt 31 takes days and argon2 wants 4 GiB: this answer coming at all shows it was not.
      const res = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password: 'any password at all' }).expect(200);
      expect(res.body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      const lines = t.logs.slice(logged).join('\n');
      expect(lines).toContain('outside the cost bounds');
      expect(lines).not.toMatch(HASH_IN_LOG);
      expect(lines).not.toContain('any password at all');
      expect((await t.app.get(UserRepository).findByUsername(username))?.passwordHash).toBe(hash);
    });
  });

  describe('item 2: an import does not take over accounts it did not create', () => {
    const LEGACY_BCRYPT = '$2y$10$893feKJ5iWMLvgz0u7YFH.kwZ6pNntX12aqWiaz5AT4PCoV5ygI9i';
    let alice: Record<string, unknown>;

    beforeAll(async () => {
      const res = await t.http
        .post('/v1/users')
        .set(bearer(t.secrets['users:write']))
        .send({ username: 'Alice', password: 'Alice keeps her own password', email: 'alice@wiki.example', groups: ['staff'] })
        .expect(201);
      alice = res.body;
    });

    const aliceNow = async () => (await t.http.get('/v1/users/Alice').set(bearer(t.secrets['users:read'])).expect(200)).body;
    const aliceLogsIn = async (password: string) =>
      (await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Alice', password }).expect(200)).body.result;

    it('reports a legacy "alice" as a collision by line and changes nothing of the existing Alice', async () => {
      const before = await t.app.get(UserRepository).findByUsername('Alice');
      const file = csv('legacy.csv', ['Bob,bob@legacy.example,legacy,,false', `alice,alice@legacy.example,legacy,${LEGACY_BCRYPT},true`]);
      const summary = await importJson(file);
      expect(summary).toMatchObject({ rows: 2, created: 1, updated: 0, overwritten: 0, collisions: 1, skipped: 1 });
      // The name the collision hit, in its canonical form.
      expect(summary.skippedLines).toEqual([{ line: 3, username: 'Alice', reason: expect.stringMatching(/^collision: .*--overwrite-existing/) }]);
      expect(await t.app.get(UserRepository).findByUsername('Alice')).toEqual(before);
      expect(await aliceNow()).toEqual(alice);
      expect(await aliceLogsIn('Alice keeps her own password')).toBe('PASS');
      // Running it again: the same report, Bob (whom the import created) unchanged.
      expect(await importJson(file)).toMatchObject({ created: 0, unchanged: 1, collisions: 1, skippedLines: [{ line: 3 }] });
      const human = await cli(['users', 'import', file], url);
      expect(human.stdout).toMatch(/line 3 \("Alice"\): collision: /);
    });

    it('refuses a line whose id belongs to another user, and reports it by line', async () => {
      const file = join(dir, 'ids.jsonl');
      writeFileSync(file, JSON.stringify({ username: 'Mallory', id: alice.id, email: 'mallory@legacy.example' }) + '\n');
      const summary = await importJson(file);
      expect(summary).toMatchObject({ created: 0, skipped: 1, skippedLines: [{ line: 1, username: 'Mallory', reason: expect.stringContaining('the id belongs to another user') }] });
      expect(await t.app.get(UserRepository).findByUsername('Mallory')).toBeUndefined();
      expect(await aliceNow()).toEqual(alice);
    });

    it('overwrites the existing user with --overwrite-existing, and reports it as overwritten', async () => {
      const file = csv('legacy-overwrite.csv', [`alice,alice@legacy.example,legacy,${LEGACY_BCRYPT},false`]);
      const summary = await importJson(file, '--overwrite-existing');
      expect(summary).toMatchObject({ rows: 1, overwritten: 1, collisions: 0, skipped: 0 });
      const after = await aliceNow();
      expect(after).toMatchObject({ id: alice.id, username: 'Alice', email: 'alice@legacy.example', groups: ['legacy'] });
      expect(await aliceLogsIn('Alice keeps her own password')).toBe('FAIL');
      // Now the import's: the same file again changes nothing and needs no flag.
      expect(await importJson(file)).toMatchObject({ unchanged: 1, overwritten: 0, collisions: 0 });
    });
  });
});
