// USER_SOURCE=sql, USER_SOURCE_PRESET=custom: a website's own users table on PostgreSQL,
// described by a mapping file, read by a role with SELECT on exactly that table and its groups.
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as bcrypt from 'bcrypt';
import { Client } from 'pg';
import { SsoWikis } from '@authbridge/accounts';
import { ConfigError } from '@authbridge/config';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database';

jest.setTimeout(60000);
const POSTGRES = process.env.TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test';

describe('USER_SOURCE=sql, preset custom (PostgreSQL, SELECT-only role)', () => {
  let scratch: ScratchDatabase;
  let t: TestApp;
  let dir: string;
  let readerUrl: string;
  const role = `ab_ro_${randomBytes(5).toString('hex')}`;
  const mapping = {
    table: 'site.members',
    columns: { id: 'member_id', login: 'handle', email: 'mail', realName: 'full_name', passwordHash: 'pw_hash', disabled: 'banned', createdAt: 'joined' },
    groupsQuery: 'SELECT r.role_name FROM site.member_roles r WHERE r.member_id = :id',
    passwordFormats: ['bcrypt'],
  };
  const file = (content: object) => {
    const name = path.join(dir, `${randomBytes(4).toString('hex')}.json`);
    writeFileSync(name, JSON.stringify(content));
    return name;
  };
  const verify = (username: string, password: string) => t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username, password });
  const start = (content: object, url = readerUrl) => createTestApp({ USER_SOURCE: 'sql', USER_SOURCE_PRESET: 'custom', USER_SOURCE_URL: url, USER_SOURCE_MAPPING: file(content) });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'authbridge-mapping-'));
    scratch = await createScratchDatabase(POSTGRES);
    const admin = new Client({ connectionString: scratch.url });
    await admin.connect();
    try {
      await admin.query(`create schema site;
        create table site.members (member_id serial primary key, handle text not null, mail text, full_name text, pw_hash text, banned boolean not null default false, joined timestamptz not null default now(), secret_note text);
        create table site.member_roles (member_id int not null, role_name text not null);
        create table site.payments (member_id int, card text)`);
      await admin.query('insert into site.members (handle, mail, full_name, pw_hash, banned) values ($1,$2,$3,$4,false), ($5,$6,$7,$8,true), ($9,$10,$11,null,false)', [
        'dora.explorer', 'dora@example.org', 'Dora Explorer', await bcrypt.hash('Dora pass 42', 10),
        'banned.bob', 'bob@example.org', 'Bob', await bcrypt.hash('Bob pass 42', 10),
        'no.password', 'nopw@example.org', 'No Password',
      ]);
      await admin.query("insert into site.member_roles values (1, 'staff'), (1, 'editors')");
      await admin.query(`create role ${role} login password 'reader-pw'; grant usage on schema site to ${role}; grant select on site.members, site.member_roles to ${role}`);
    } finally {
      await admin.end();
    }
    const url = new URL(scratch.url);
    url.username = role;
    url.password = 'reader-pw';
    readerUrl = url.toString();
    t = await start(mapping);
  });

  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
    const admin = new Client({ connectionString: POSTGRES });
    await admin.connect();
    await admin.query(`drop role if exists ${role}`).finally(() => admin.end());
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a member by handle or email, with the mapped profile and the groups query', async () => {
    for (const typed of ['dora.explorer', 'Dora.explorer', 'dora@example.org']) {
      const res = await verify(typed, 'Dora pass 42').expect(200);
      expect(res.body).toMatchObject({ result: 'PASS', user: { username: 'Dora.explorer', email: 'dora@example.org', realName: 'Dora Explorer', groups: ['editors', 'staff'], disabled: false } });
    }
    expect((await verify('dora.explorer', 'wrong')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
  });

  it('maps the disabled column, a NULL hash (wrong password) and an unknown member', async () => {
    expect((await verify('banned.bob', 'Bob pass 42')).body).toEqual({ result: 'FAIL', code: 'ACCOUNT_DISABLED' });
    expect((await verify('no.password', 'anything 42')).body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    expect((await verify('nobody', 'anything 42')).body).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
  });

  it('a website id that cannot be of the id column\'s type finds nobody (not an outage)', async () => {
    await t.app.get(SsoWikis).add('wiki-a', 'http://127.0.0.1:9/w', t.secrets['sso:redeem'].split('_')[1]);
    const res = await t.http.post('/v1/sso/tickets').set(bearer(t.secrets['sso:issue'])).send({ websiteUserId: 'abc' });
    expect(res.status).toBe(404);
  });

  it.each([
    ['a missing column', { ...mapping, columns: { ...mapping.columns, email: 'email_address' } }, /USER_SOURCE_MAPPING: .*column is missing/],
    ['a missing table', { ...mapping, table: 'site.people' }, /USER_SOURCE_MAPPING: .*(does not exist|may not SELECT)/],
    ['a table the role may not read', { ...mapping, table: 'site.payments', columns: { ...mapping.columns, id: 'member_id', login: 'card', passwordHash: 'card', email: null, realName: null, disabled: null, createdAt: null } }, /USER_SOURCE_MAPPING: .*may not SELECT/],
    ['a broken groups query', { ...mapping, groupsQuery: 'SELECT nope FROM site.member_roles WHERE member_id = :id' }, /USER_SOURCE_MAPPING: the groupsQuery cannot be read/],
  ])('%s stops start-up naming USER_SOURCE_MAPPING', async (_what, content, message) => {
    const error = await start(content).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });

  it('the role reads only the mapped tables and the session is read-only', async () => {
    const client = new Client({ connectionString: readerUrl });
    await client.connect();
    try {
      await expect(client.query("update site.members set pw_hash = 'x'")).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('select card from site.payments')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });
});
