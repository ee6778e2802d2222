// Issue 5, "Done when": users imported with every legacy hash format log in through the real
// wiki (AuthBridge on Debian's MediaWiki) with their original passwords, and are stored as
// argon2id afterwards. Fails, never skips, when php or MediaWiki is missing.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Harness, IdentityApi, Wiki, WikiClient } from '../support/types';

const harness = createRequire(path.resolve('test/support/index.cjs'))(path.resolve('test/support/index.cjs')) as Harness;

interface FixtureUser { username: string; format: string; password: string }
const FIXTURE = path.resolve('test/fixtures/import-legacy-hashes.csv');
const { users } = JSON.parse(readFileSync(path.resolve('test/fixtures/import-legacy-hashes.passwords.json'), 'utf8')) as { users: FixtureUser[] };

jest.setTimeout(60000);

describe(`imported users log in through the wiki with their original passwords (${harness.mediawikiLabel()})`, () => {
  let api: IdentityApi;
  let wiki: Wiki;
  let summary: { created: number; skipped: number; skippedLines: unknown[] };

  const storedHash = (username: string): string => {
    const db = new Database(path.join(api.dir, 'identity.sqlite'), { readonly: true });
    try {
      return (db.prepare('select password_hash from users where username = ?').get(username) as { password_hash: string }).password_hash;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    api = await harness.startIdentityApi({ env: { THROTTLE_MAX_FAILURES: '50' } });
    summary = await api.cli(['users', 'import', FIXTURE, '--json']);
    const { secret } = await api.createClient('wiki', ['auth:verify', 'users:read'], { forwardsEndUserAddress: true });
    wiki = await harness.startWiki({ settings: { AuthBridgeApiUrl: api.url, AuthBridgeApiSecret: secret, AuthBridgeGroupMap: { staff: 'staff-team' } } });
  });

  afterAll(async () => {
    await wiki?.dispose();
    await api?.dispose();
  });

  it('imported every fixture user', () => {
    expect(summary.created).toBe(users.length);
    expect(summary.skipped).toBe(0);
    expect(summary.skippedLines).toEqual([]);
  });

  it.each(users.map((u) => [`${u.username} (${u.format})`, u] as const))('%s', async (_name, user) => {
    expect(storedHash(user.username)).not.toMatch(/^\$argon2id\$v=19\$m=19456,/);
    const wrong = await new harness.WikiClient(wiki.apiUrl).clientLogin(user.username, `${user.password}x`);
    expect(wrong.status).toBe('FAIL');

    const client = new harness.WikiClient(wiki.apiUrl);
    const login = await client.clientLogin(user.username, user.password);
    expect(login).toMatchObject({ status: 'PASS', username: user.username });
    const me = await client.userInfo();
    expect(me.name).toBe(user.username);
    expect(me.anon).toBeUndefined();
    expect(storedHash(user.username)).toMatch(/^\$argon2id\$v=19\$m=19456,/);
  });

  it('logs no PHP deprecation, warning or notice from the extension ($wgDevelopmentWarnings on)', () => {
    expect(wiki.extensionPhpProblems()).toEqual([]);
  });
});
