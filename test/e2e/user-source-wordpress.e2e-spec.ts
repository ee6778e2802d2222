// USER_SOURCE=sql, USER_SOURCE_PRESET=wordpress against a real WordPress (Debian 12's 6.1,
// installed and changed by WordPress's own PHP) on MariaDB, read by a user with SELECT on
// wp_users and wp_usermeta only. Issue 8: verify, look-ups, tickets, bad rows, outages.
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { SsoWikis } from '@authbridge/accounts';
import { ConfigError } from '@authbridge/config';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';
import { moveToOwnStore } from './helpers/move-to-own-store';

const load = createRequire(path.resolve('test/support/index.cjs'));
const { createScratchWordPress } = load(path.resolve('test/support/wordpress.cjs'));
const { startDelayProxy } = load(path.resolve('test/support/delay-proxy.cjs'));

jest.setTimeout(60000);
const validate = contractValidator();
/** SPEC.md "User sources": id = uuidv5("<USER_SOURCE_NAME>:<website id>", this namespace). */
const NAMESPACE = '26dc72df-90d1-4481-b6f0-150cc62bc6ca';

describe('USER_SOURCE=sql, preset wordpress (WordPress 6.1 on MariaDB, SELECT-only user)', () => {
  let wp: any;
  let t: TestApp;
  let proxy: any;
  const ids: Record<string, number> = {};
  const verify = (username: string, password: string) => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password, context: { ip: '192.0.2.10' } });
  const lookup = (name: string) => t.http.get(`/v1/users/${encodeURIComponent(name)}`).set(bearer(t.secrets['users:read']));
  const logText = () => t.logs.join('');

  beforeAll(async () => {
    wp = await createScratchWordPress({ where: 'host' });
    const users = [
      ['jane', { user_login: 'jane.smith', user_pass: 'Jane pass 42', user_email: 'jane@example.org', first_name: 'Jane', last_name: 'Smith', role: 'editor' }],
      ['email', { user_login: 'bob@example.org', user_pass: 'Bob pass 42', user_email: 'bob@example.org', role: 'subscriber' }],
      ['under', { user_login: 'mary_ann', user_pass: 'Mary pass 42', user_email: 'mary@example.org', display_name: 'Mary Ann', role: 'author' }],
      ['spam', { user_login: 'spammer', user_pass: 'Spam pass 42', user_email: 'spam@example.org' }],
      ['status', { user_login: 'pending', user_pass: 'Pending pass 42', user_email: 'pending@example.org' }],
      ['gone', { user_login: 'leaver', user_pass: 'Leaver pass 42', user_email: 'leaver@example.org' }],
      ['renamed', { user_login: 'carol', user_pass: 'Carol pass 42', user_email: 'carol@example.org' }],
      ['md5', { user_login: 'oldtimer', user_pass: 'placeholder 42', user_email: 'old@example.org' }],
      ['nohash', { user_login: 'nohash', user_pass: 'placeholder 42', user_email: 'nohash@example.org' }],
      ['unknown', { user_login: 'strange', user_pass: 'placeholder 42', user_email: 'strange@example.org' }],
      ['huge', { user_login: 'huge', user_pass: 'Huge pass 42', user_email: 'huge@example.org' }],
      ['nul', { user_login: 'nulname', user_pass: 'Nul pass 42', user_email: 'nul@example.org' }],
      ['caps', { user_login: 'objcaps', user_pass: 'Caps pass 42', user_email: 'caps@example.org' }],
    ] as const;
    for (const [key, user] of users) ids[key] = await wp.insertUser(user);
    await wp.ops({ op: 'add_multisite_columns' });
    // Rows WordPress itself would not write, as a damaged or very old database has them.
    await wp.sql('UPDATE wp_users SET user_pass = ? WHERE ID = ?', [createHash('md5').update('Old pass 42').digest('hex'), ids.md5]);
    await wp.sql("UPDATE wp_users SET user_pass = '' WHERE ID = ?", [ids.nohash]);
    await wp.sql("UPDATE wp_users SET user_pass = '$9$not-a-hash-anyone-knows' WHERE ID = ?", [ids.unknown]);
    await wp.sql("UPDATE wp_usermeta SET meta_value = REPEAT('x', 10485760) WHERE user_id = ? AND meta_key = 'first_name'", [ids.huge]);
    await wp.sql("UPDATE wp_users SET user_login = CONCAT('nul', CHAR(0), 'name') WHERE ID = ?", [ids.nul]);
    await wp.sql(`UPDATE wp_usermeta SET meta_value = 'a:1:{i:0;O:8:"stdClass":0:{}}' WHERE user_id = ? AND meta_key = 'wp_capabilities'`, [ids.caps]);
    proxy = await startDelayProxy({ targetPort: 3306 });
    const url = new URL(wp.sourceUrl);
    url.port = String(proxy.port);
    t = await createTestApp({ USER_SOURCE: 'sql', USER_SOURCE_URL: url.toString(), USER_SOURCE_PRESET: 'wordpress', USER_SOURCE_TIMEOUT_MS: '1500' });
    await t.app.get(SsoWikis).add('wiki-a', 'http://127.0.0.1:9/w', t.secrets['sso:redeem'].split('_')[1]);
  }, 120000);

  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await wp?.drop();
  });

  describe('POST /v1/auth/verify', () => {
    it('passes a WordPress user ($P$ phpass, as 6.1 writes it) with profile and roles, under a stable id', async () => {
      const res = await verify('jane.smith', 'Jane pass 42').expect(200);
      expect(validate('verify-response', res.body)).toEqual([]);
      expect(res.body).toMatchObject({
        result: 'PASS',
        user: { id: uuidv5(`wordpress:${ids.jane}`, NAMESPACE), username: 'Jane.smith', email: 'jane@example.org', realName: 'Jane Smith', groups: ['editor'], disabled: false },
      });
      expect(JSON.stringify(res.body)).not.toContain('$P$');
    });

    it('passes the same user by email, and by the wiki name it was given; trims the password as WordPress does', async () => {
      for (const typed of ['jane@example.org', 'Jane.smith', 'JANE.SMITH']) {
        const res = await verify(typed, '  Jane pass 42 ').expect(200);
        expect(res.body).toMatchObject({ result: 'PASS', user: { username: 'Jane.smith' } });
      }
    });

    it('maps a login that is no valid wiki name deterministically, and a login with an underscore as MediaWiki does', async () => {
      expect((await verify('bob@example.org', 'Bob pass 42')).body).toMatchObject({ result: 'PASS', user: { username: 'Bob-example.org', groups: ['subscriber'] } });
      expect((await verify('mary_ann', 'Mary pass 42')).body).toMatchObject({ result: 'PASS', user: { username: 'Mary ann', realName: 'Mary Ann', groups: ['author'] } });
    });

    it('a password changed with wp_set_password works at once and the old one fails; a role change counts at the next login', async () => {
      await wp.ops({ op: 'set_password', id: ids.under, password: 'Mary new 43' }, { op: 'update', user: { ID: ids.under, role: 'editor', user_email: 'mary.ann@example.org' } });
      expect((await verify('mary_ann', 'Mary pass 42')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      expect((await verify('mary_ann', 'Mary new 43')).body).toMatchObject({ result: 'PASS', user: { username: 'Mary ann', email: 'mary.ann@example.org', groups: ['editor'] } });
    });

    it('refuses a spam-flagged (multisite column), a user_status ≠ 0 and a deleted user', async () => {
      await wp.ops({ op: 'set_column', id: ids.spam, column: 'spam', value: 1 }, { op: 'set_column', id: ids.status, column: 'user_status', value: 2 }, { op: 'delete', id: ids.gone });
      expect((await verify('spammer', 'Spam pass 42')).body).toEqual({ result: 'FAIL', code: 'ACCOUNT_DISABLED' });
      expect((await verify('pending', 'Pending pass 42')).body).toEqual({ result: 'FAIL', code: 'ACCOUNT_DISABLED' });
      expect((await verify('leaver', 'Leaver pass 42')).body).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
      await lookup('Spammer').expect(200).then((res) => expect(res.body.disabled).toBe(true));
    });

    it('keeps the wiki name and id of a renamed WordPress account; a newcomer with the old login gets another name', async () => {
      const before = (await verify('carol', 'Carol pass 42')).body.user;
      expect(before.username).toBe('Carol');
      await wp.ops({ op: 'rename', id: ids.renamed, login: 'caroline' });
      const newcomer = await wp.insertUser({ user_login: 'carol', user_pass: 'Intruder 42', user_email: 'intruder@example.org' });
      const after = (await verify('caroline', 'Carol pass 42')).body.user;
      expect(after).toMatchObject({ id: before.id, username: 'Carol' });
      const other = (await verify('carol', 'Intruder 42')).body.user;
      expect(other).toMatchObject({ username: `Carol (${newcomer})`, id: uuidv5(`wordpress:${newcomer}`, NAMESPACE) });
      expect((await lookup('Carol').expect(200)).body.id).toBe(before.id);
    });

    it('verifies a bare MD5 of a very old row, as WordPress still does', async () => {
      expect((await verify('oldtimer', 'Old pass 42')).body).toMatchObject({ result: 'PASS' });
      expect((await verify('oldtimer', 'Old pass 43')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    });

    it('answers a wrong password for an empty or unknown hash, with a log line naming the user', async () => {
      expect((await verify('nohash', 'placeholder 42')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      expect((await verify('strange', 'placeholder 42')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
      expect(logText()).toMatch(/no password hash.*Nohash|Nohash.*no password hash/);
      expect(logText()).toMatch(/format this source does not accept/);
    });

    it.each([
      ['a 10 MB first_name', 'huge@example.org', 'Huge pass 42', 'first_name', 'longer than'],
      ['a NUL in user_login', 'nul@example.org', 'Nul pass 42', 'user_login', 'NUL'],
      ['an object in wp_capabilities', 'objcaps', 'Caps pass 42', 'wp_capabilities', 'not accepted'],
    ])('refuses a row with %s: 502 SOURCE_BAD_ROW (the wiki says unavailable), a log line, no stack', async (_what, typed, password, field, reason) => {
      const res = await verify(typed, password).expect(502);
      expect(validate('problem', res.body)).toEqual([]);
      expect(res.body.code).toBe('SOURCE_BAD_ROW');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|xxxxxxxx|stdClass/);
      const line = t.logs.find((l) => l.includes('refused a row of the user source') && l.includes(field));
      expect(line).toContain(reason);
      expect(line).not.toContain('xxxxxxxxxx');
    });

    it('an email shared by two WordPress accounts logs neither in by that email (one may be an attacker\'s)', async () => {
      const twin = await wp.insertUser({ user_login: 'twin', user_pass: 'Twin pass 42', user_email: 'twin-own@example.org' });
      await wp.sql('UPDATE wp_users SET user_email = ? WHERE ID = ?', ['carol@example.org', twin]);
      expect((await verify('carol@example.org', 'Twin pass 42')).body).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
      expect((await verify('twin', 'Twin pass 42')).body).toMatchObject({ result: 'PASS' });
      expect(logText()).toContain('website accounts share one email');
    });

    it('counts guesses by login and by email on the one account', async () => {
      const tries = [];
      for (let i = 0; i < 3; i++) tries.push((await verify('jane.smith', `wrong ${i}`)).body.code, (await verify('jane@example.org', `wrong e${i}`)).body.code);
      expect(tries.slice(0, 4)).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD', 'WRONG_PASSWORD', 'WRONG_PASSWORD']);
      expect(tries[4]).toBe('THROTTLED');
      // The administrator finds those counters by whatever names the account: its wiki name, its
      // website login, its email (resolved as a login is, never as a pseudonym of the email).
      for (const name of ['Jane.smith', 'jane.smith', 'jane@example.org']) {
        const lock = await t.http.get(`/v1/users/${encodeURIComponent(name)}/lock`).set(bearer(t.secrets['users:read'])).expect(200);
        // This client does not forward context.ip, so the counters are of its own address.
        expect(lock.body).toMatchObject({ locked: true, addresses: [{ failures: 5 }] });
      }
      await t.http.delete('/v1/users/jane%40example.org/lock').set(bearer(t.secrets['users:write'])).expect(204);
      expect((await t.http.get('/v1/users/Jane.smith/lock').set(bearer(t.secrets['users:read'])).expect(200)).body.locked).toBe(false);
    });
  });

  describe('look-ups and admin', () => {
    it('GET /v1/users/{name} and the list read through the source', async () => {
      const jane = await lookup('Jane.smith').expect(200);
      expect(validate('user', jane.body)).toEqual([]);
      expect(jane.body).toMatchObject({ username: 'Jane.smith', groups: ['editor'] });
      // A user never seen before is found by the wiki name its login gives.
      expect((await lookup('Wpadmin').expect(200)).body).toMatchObject({ groups: ['administrator'] });
      await lookup('Leaver').expect(404);
      const page = await t.http.get('/v1/users?limit=3').set(bearer(t.secrets['users:read'])).expect(200);
      expect(validate('user-page', page.body)).toEqual([]);
      expect(page.body.items).toHaveLength(3);
      const next = await t.http.get(`/v1/users?limit=200&cursor=${page.body.nextCursor}`).set(bearer(t.secrets['users:read'])).expect(200);
      const names = [...page.body.items, ...next.body.items].map((u: { username: string }) => u.username);
      expect(names).toEqual(expect.arrayContaining(['Wpadmin', 'Jane.smith', 'Bob-example.org', 'Carol']));
      expect(new Set(names).size).toBe(names.length);
    });

    it('refuses to create or change users: they are the website\'s', async () => {
      const res = await t.http.post('/v1/users').set(bearer(t.secrets['users:write'])).send({ username: 'Newbie' }).expect(409);
      expect(res.body.code).toBe('USERS_READ_ONLY');
      await t.http.patch('/v1/users/Jane.smith').set(bearer(t.secrets['users:write'])).send({ disabled: true }).expect(409);
    });

    it('POST /v1/sso/tickets takes the website\'s user id or login and lands on the same wiki name', async () => {
      const claims = (ticket: string) => JSON.parse(Buffer.from(ticket.split('.')[1], 'base64url').toString());
      const issue = (body: object) => t.http.post('/v1/sso/tickets').set(bearer(t.secrets['sso:issue'])).send(body);
      expect(claims((await issue({ websiteUserId: String(ids.jane) }).expect(201)).body.ticket).sub).toBe('Jane.smith');
      expect(claims((await issue({ username: 'jane.smith' }).expect(201)).body.ticket).sub).toBe('Jane.smith');
      expect(claims((await issue({ username: 'caroline' }).expect(201)).body.ticket).sub).toBe('Carol');
      expect((await issue({ websiteUserId: String(ids.spam) }).expect(403)).body.code).toBe('ACCOUNT_DISABLED');
      expect((await issue({ websiteUserId: '999999' }).expect(404)).body.code).toBe('USER_NOT_FOUND');
      expect((await issue({ username: 'jane.smith', websiteUserId: String(ids.jane) }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('an outage of the website database', () => {
    it('slow: 503 SOURCE_UNAVAILABLE within the timeout (never WRONG_PASSWORD), readiness says so; recovers without a restart', async () => {
      proxy.setDelay(5000);
      proxy.dropConnections();
      const before = t.logs.length;
      const res = await verify('jane.smith', 'Jane pass 42');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SOURCE_UNAVAILABLE');
      // USER_SOURCE_TIMEOUT_MS ended it, not the proxy's 5 s (the log says which; speed is the bench's job).
      // A new connection times out in connect (mysql2's connectTimeout), a pooled one in the query.
      expect(t.logs.slice(before).join('')).toMatch(/"the user source did not answer".*(ETIMEDOUT|no answer within 1500 ms)/);
      const ready = await t.http.get('/health/ready').expect(503);
      expect(ready.body.detail).toMatch(/user source/);
      proxy.setDelay(0);
      let answer;
      for (let i = 0; i < 20 && answer?.result !== 'PASS'; i++) {
        answer = (await verify('jane.smith', 'Jane pass 42')).body;
        if (answer.result !== 'PASS') await new Promise((r) => setTimeout(r, 250));
      }
      expect(answer.result).toBe('PASS');
      expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok', userSource: 'sql' });
    });
  });

  // Before the other move: the app `t` checks the password first, and a second app started and
  // closed in this process leaves `t` answering 500 (Nest's logger and more are process-wide).
  describe('moving to AuthBridge\'s own store: the password WordPress trimmed', () => {
    it('passes with or without the surrounding spaces, as on WordPress, before and after the first login rehashes it', async () => {
      const typed = '  Wendy pass 42 ';
      // WordPress's own wp_insert_user, which hashes trim() of the password.
      await wp.insertUser({ user_login: 'wendy', user_pass: typed, user_email: 'wendy@example.org' });
      expect((await verify('wendy', typed)).body).toMatchObject({ result: 'PASS' });
      const moved = await moveToOwnStore({ USER_SOURCE: 'sql', USER_SOURCE_PRESET: 'wordpress', USER_SOURCE_URL: wp.sourceUrl });
      try {
        const line = moved.rows.find((row) => row.username === 'Wendy');
        expect(line).toMatchObject({ passwordHash: expect.stringMatching(/^\$P\$/), passwordPreparation: 'trim' });
        expect(await moved.stored('Wendy')).toMatchObject({ passwordHash: line!.passwordHash, passwordPreparation: 'trim' });
        expect(await moved.verify('Wendy', '  Wendy pass 43 ')).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
        expect(await moved.verify('Wendy', typed)).toMatchObject({ result: 'PASS', user: { username: 'Wendy', id: line!.id } });
        const after = await moved.stored('Wendy');
        // The rehash is of the trimmed password, and the trim stays with it (WordPress's rule).
        expect(after).toMatchObject({ passwordHash: expect.stringMatching(/^\$argon2id\$/), passwordPreparation: 'trim' });
        expect(await moved.verify('Wendy', typed)).toMatchObject({ result: 'PASS' });
        expect(await moved.verify('Wendy', typed.trim())).toMatchObject({ result: 'PASS' });
        expect(await moved.verify('Wendy', '  Wendy pass 43 ')).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
        expect((await moved.stored('Wendy'))!.passwordHash).toBe(after!.passwordHash);
      } finally {
        await moved.close();
      }
    });
  });

  describe('moving to AuthBridge\'s own store (users export, then users import)', () => {
    const CLI = path.resolve('dist/apps/cli/src/main.js');
    const cli = (args: string[], env: Record<string, string>) => new Promise<string>((resolve, reject) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USER_SOURCE')));
      execFile(process.execPath, [CLI, ...args], { env: { ...clean, LOG_LEVEL: 'error', ...env }, maxBuffer: 8 << 20 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)));
    });

    it('keeps the id and the wiki name, and the WordPress hash still verifies in the local store', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'authbridge-move-'));
      try {
        const store = `sqlite:${path.join(dir, 'store.sqlite')}`;
        const exported = await cli(['users', 'export', '--with-hashes'], { DATABASE_URL: store, USER_SOURCE: 'sql', USER_SOURCE_PRESET: 'wordpress', USER_SOURCE_URL: wp.sourceUrl });
        const rows = exported.trim().split('\n').map((line) => JSON.parse(line));
        const jane = rows.find((r) => r.username === 'Jane.smith');
        expect(jane).toMatchObject({ id: uuidv5(`wordpress:${ids.jane}`, NAMESPACE), email: 'jane@example.org', groups: ['editor'] });
        expect(jane.passwordHash).toMatch(/^\$P\$/);
        writeFileSync(path.join(dir, 'users.jsonl'), exported);
        const summary = JSON.parse(await cli(['users', 'import', path.join(dir, 'users.jsonl'), '--json'], { DATABASE_URL: store }));
        expect(summary.created).toBeGreaterThan(5);
        const local = await createTestApp({ DATABASE_URL: store });
        try {
          const res = await local.http.post('/v1/auth/verify').set(bearer(local.secrets['auth:verify'])).send({ username: 'jane.smith', password: 'Jane pass 42' }).expect(200);
          expect(res.body).toMatchObject({ result: 'PASS', user: { id: jane.id, username: 'Jane.smith' } });
          // A second run changes nothing; a row claiming another user's id is refused.
          const again = JSON.parse(await cli(['users', 'import', path.join(dir, 'users.jsonl'), '--json'], { DATABASE_URL: store }));
          expect(again.created).toBe(0);
          writeFileSync(path.join(dir, 'thief.jsonl'), `${JSON.stringify({ username: 'Thief', id: jane.id })}\n`);
          const thief = JSON.parse(await cli(['users', 'import', path.join(dir, 'thief.jsonl'), '--json'], { DATABASE_URL: store }));
          expect(thief.created).toBe(0);
          expect(JSON.stringify(thief)).toContain('the id belongs to another user');
        } finally {
          await local.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('start-up checks', () => {
    const start = (env: Record<string, string>) => createTestApp({ USER_SOURCE: 'sql', USER_SOURCE_PRESET: 'wordpress', USER_SOURCE_URL: wp.sourceUrl, ...env });

    it('a wrong table prefix stops start-up naming USER_SOURCE_TABLE_PREFIX', async () => {
      await expect(start({ USER_SOURCE_TABLE_PREFIX: 'blog_' })).rejects.toThrow(ConfigError);
      await expect(start({ USER_SOURCE_TABLE_PREFIX: 'blog_' })).rejects.toThrow(/USER_SOURCE_TABLE_PREFIX: .*blog_users.*(does not exist|may not SELECT)/);
    });

    it('a wrong password stops start-up naming USER_SOURCE_URL, without the password', async () => {
      const url = new URL(wp.sourceUrl);
      url.password = 'not-the-password';
      const error = await start({ USER_SOURCE_URL: url.toString() }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^USER_SOURCE_URL: /);
      expect(error.message).not.toContain('not-the-password');
    });

    it('the SELECT-only user can write nothing (the grant is what the README says)', async () => {
      const mysql = load('mysql2/promise');
      const connection = await mysql.createConnection(wp.sourceUrl);
      try {
        await expect(connection.query("UPDATE wp_users SET user_pass = 'x'")).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
        await expect(connection.query('SELECT option_value FROM wp_options LIMIT 1')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      } finally {
        await connection.end();
      }
    });
  });
});
