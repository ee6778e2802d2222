// Issue 8 end to end: a real WordPress (Debian 12's 6.1 on the host, Debian 13's 6.8 in the
// trixie chroot) on MariaDB, users created, changed and deleted by WordPress's own PHP; the
// built identity API reads it with USER_SOURCE=sql through a SELECT-only database user; a real
// MediaWiki with AuthBridge; people log in on the wiki's form in headless Chromium.
// Fails, never skips, when WordPress, MariaDB, MediaWiki or Chromium is missing.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Harness, IdentityApi, ScratchWordPress, Wiki, WordPressModule } from '../support/types';

const load = createRequire(path.resolve('test/support/index.cjs'));
const harness = load(path.resolve('test/support/index.cjs')) as Harness;
const { createScratchWordPress } = load(path.resolve('test/support/wordpress.cjs')) as WordPressModule;

jest.setTimeout(90000);

describe.each([
  ['Debian 12 (host)', 'host', /^6\.1\./, /^\$P\$/],
  ['Debian 13 (trixie chroot)', 'trixie', /^6\.8\./, /^\$wp\$2y\$/],
])('WordPress from %s as the user source of a real MediaWiki', (_label, where, version, hashShape) => {
  let wp: ScratchWordPress;
  let api: IdentityApi;
  let wiki: Wiki;
  let browser: Browser;
  const ids: Record<string, number> = {};
  let text: Record<string, string>;

  beforeAll(async () => {
    wp = await createScratchWordPress({ where });
    expect(wp.version).toMatch(version);
    ids.jane = await wp.insertUser({ user_login: 'jane.smith', user_pass: 'Jane pass 42', user_email: 'jane@example.org', first_name: 'Jane', last_name: 'Smith', role: 'editor' });
    ids.spam = await wp.insertUser({ user_login: 'spammer', user_pass: 'Spam pass 42', user_email: 'spam@example.org', role: 'subscriber' });
    ids.gone = await wp.insertUser({ user_login: 'leaver', user_pass: 'Leaver pass 42', user_email: 'leaver@example.org', role: 'subscriber' });
    ids.carol = await wp.insertUser({ user_login: 'carol', user_pass: 'Carol pass 42', user_email: 'carol@example.org', role: 'author' });
    // Single-site WordPress has no spam column: add multisite's (see wordpress-cli.php).
    await wp.ops({ op: 'add_multisite_columns' });
    api = await harness.startIdentityApi({ env: { USER_SOURCE: 'sql', USER_SOURCE_PRESET: 'wordpress', USER_SOURCE_URL: wp.sourceUrl } });
    const secret = (await api.createClient('wiki', ['auth:verify', 'users:read'], { forwardsEndUserAddress: true })).secret;
    wiki = await harness.startWiki({
      settings: {
        AuthBridgeApiUrl: api.url,
        AuthBridgeApiSecret: secret,
        AuthBridgeTimeout: 3,
        AuthBridgeAuthoritative: false,
        AuthBridgeGroupMap: { editor: 'editor', author: 'staff-team' },
      },
    });
    browser = await harness.launchChromium();
    const messages = new harness.WikiClient(wiki.apiUrl);
    text = {};
    for (const key of ['wrongpassword', 'authbridge-error-disabled']) text[key] = await messages.message(key);
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await wiki?.dispose();
    await api?.dispose();
    await wp?.drop();
  });

  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

  /** Fills Special:UserLogin like a person; returns the error shown and who the wiki says is logged in, with their profile. */
  async function formLogin(username: string, password: string) {
    const context = await browser.newContext();
    try {
      const page: Page = await context.newPage();
      // The harness's form login knows each MediaWiki version's error box (1.43: Codex).
      const shown = (await harness.formLogin(page, wiki.url, username, password)).error as string | null;
      const error = shown === null ? null : oneLine(shown);
      const me = await page.evaluate(async (apiUrl) => {
        const res = await fetch(`${apiUrl}?action=query&meta=userinfo&uiprop=email|realname|groups&format=json`);
        return (await res.json()).query.userinfo;
      }, wiki.apiUrl);
      return { error, me };
    } finally {
      await context.close();
    }
  }

  it('stores the hashes WordPress writes: $P$ on 6.1, $wp$2y$ on 6.8', async () => {
    const [row] = await wp.ops({ op: 'get', id: ids.jane });
    expect(row.user_pass).toMatch(hashShape);
  });

  it('a WordPress user logs in on the form by login name, auto-created with email, real name and role→group', async () => {
    const { error, me } = await formLogin('jane.smith', 'Jane pass 42');
    expect(error).toBeNull();
    expect(me).toMatchObject({ name: 'Jane.smith', email: 'jane@example.org', realname: 'Jane Smith' });
    expect(me.groups).toContain('editor');
  });

  it('logs in with the email address, onto the same wiki account', async () => {
    const byName = await formLogin('jane.smith', 'Jane pass 42');
    const byEmail = await formLogin('jane@example.org', 'Jane pass 42');
    expect(byEmail.error).toBeNull();
    expect(byEmail.me).toMatchObject({ name: 'Jane.smith', id: byName.me.id });
  });

  it('a password changed in WordPress works at once, the old one fails', async () => {
    await wp.ops({ op: 'set_password', id: ids.jane, password: 'Jane new pass 43' });
    expect((await formLogin('jane.smith', 'Jane pass 42')).error).toBe(oneLine(text.wrongpassword));
    const fresh = await formLogin('jane.smith', 'Jane new pass 43');
    expect(fresh.error).toBeNull();
    expect(fresh.me.name).toBe('Jane.smith');
  });

  it('a role changed in WordPress changes the wiki groups at the next login', async () => {
    await wp.ops({ op: 'update', user: { ID: ids.jane, role: 'author' } });
    const { me } = await formLogin('jane.smith', 'Jane new pass 43');
    expect(me.groups).toContain('staff-team');
    expect(me.groups).not.toContain('editor');
  });

  it('a spam-flagged and a deleted WordPress user are refused', async () => {
    expect((await formLogin('spammer', 'Spam pass 42')).me.name).toBe('Spammer');
    await wp.ops({ op: 'set_column', id: ids.spam, column: 'spam', value: 1 }, { op: 'delete', id: ids.gone });
    const spam = await formLogin('spammer', 'Spam pass 42');
    expect(spam.error).toBe(oneLine(text['authbridge-error-disabled']));
    expect(spam.me.anon).toBeDefined();
    const gone = await formLogin('leaver', 'Leaver pass 42');
    expect(gone.error).not.toBeNull();
    expect(gone.me.anon).toBeDefined();
  });

  it('the wiki account survives a rename on the WordPress side, and the old login goes to nobody else', async () => {
    const before = await formLogin('carol', 'Carol pass 42');
    expect(before.me.name).toBe('Carol');
    await wp.ops({ op: 'rename', id: ids.carol, login: 'caroline' });
    const newcomer = await wp.insertUser({ user_login: 'carol', user_pass: 'Newcomer pass 42', user_email: 'new.carol@example.org' });
    const after = await formLogin('caroline', 'Carol pass 42');
    expect(after.error).toBeNull();
    expect(after.me).toMatchObject({ name: 'Carol', id: before.me.id });
    const other = await formLogin('carol', 'Newcomer pass 42');
    expect(other.error).toBeNull();
    expect(other.me.name).toBe(`Carol (${newcomer})`);
  });
});
