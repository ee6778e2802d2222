// Which wiki account a website account logs into, and what the wiki's account pages say about
// it (issue 9), on a real MediaWiki with the real identity API and headless Chromium:
// no takeover of an existing passwordless sysop, linkAccounts.php, new users still created,
// temporary accounts ($wgAutoCreateTempUser on), Special:ChangePassword, ChangeCredentials and
// Preferences for a website account (with screenshots), and the missing-scope message.
// Fails, never skips, when php, MediaWiki or Chromium is missing.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ClientLoginResult, Harness, IdentityApi, Wiki, WikiClient } from '../support/types';

const harness = createRequire(path.resolve('test/support/index.cjs'))(path.resolve('test/support/index.cjs')) as Harness;

jest.setTimeout(60000);

const PASSWORD_URL = 'https://www.example.org/account/password';
const ALICE = { username: 'alice', password: 'Alice website 42', email: 'alice@example.org', emailVerified: true, groups: ['editors'] };
const CAROL = { username: 'Carol New', password: 'Carol website 42', email: 'carol@example.org', realName: 'Carol N. Ewcomer', emailVerified: true };
const ERIN = { username: 'Erin', password: 'Erin website 42', email: 'erin@example.org', emailVerified: true };
const FRANK = { username: 'Frank', password: 'Frank website 42', email: 'frank@example.org', emailVerified: true };

describe(`wiki accounts and website accounts (${harness.mediawikiLabel()})`, () => {
  let api: IdentityApi;
  let wiki: Wiki;
  let browser: Browser;
  let wikiSecret: string;
  let aliceId: string;
  let text: Record<string, string>;

  beforeAll(async () => {
    api = await harness.startIdentityApi({ env: { THROTTLE_MAX_FAILURES: '50' } });
    wikiSecret = (await api.createClient('wiki', ['auth:verify', 'users:read'], { forwardsEndUserAddress: true })).secret;
    aliceId = (await api.createUser(ALICE)).id;
    for (const user of [CAROL, ERIN, FRANK]) await api.createUser(user);
    wiki = await harness.startWiki({
      settings: {
        AuthBridgeApiUrl: (api as unknown as { url: string }).url,
        AuthBridgeApiSecret: wikiSecret,
        AuthBridgeGroupMap: { editors: 'editor' },
        AuthBridgePasswordChangeUrl: PASSWORD_URL,
      },
      // Temporary accounts on, as on Wikimedia's wikis and by choice on 1.43 LTS
      extraPhp: ["$wgAutoCreateTempUser['enabled'] = true;", "$wgAutoCreateTempUser['genPattern'] = '~$1';",
        "$wgAutoCreateTempUser['matchPattern'] = '~$1';", "$wgAutoCreateTempUser['reservedPattern'] = '~$1';"].join('\n'),
    });
    // Alice came from another login extension: no local password, sysop on the wiki.
    await wiki.externalAccount('Alice', { groups: ['sysop', 'bureaucrat'] });
    browser = await harness.launchChromium();
    const messages = new harness.WikiClient(wiki.apiUrl);
    text = {};
    for (const key of ['authbridge-error-notlinked', 'authbridge-error-temporary', 'authbridge-error-missingscope']) text[key] = await messages.message(key);
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await wiki?.dispose();
    await api?.dispose();
  });

  const login = (username: string, password: string) => {
    const client = new harness.WikiClient(wiki.apiUrl);
    return client.clientLogin(username, password).then((result) => ({ client, result }));
  };
  const groupsOf = async (name: string): Promise<string[]> =>
    (await new harness.WikiClient(wiki.apiUrl).call({ action: 'query', list: 'users', ususers: name, usprop: 'groups' }, { method: 'GET' })).query.users[0].groups;
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
  const withPage = <T>(fn: (page: Page) => Promise<T>): Promise<T> => harness.withPage(browser, fn);
  const formLogin = async (page: Page, username: string, password: string) => {
    const { error, userName } = await harness.formLogin(page, wiki.url, username, password);
    return { error: error === null ? null : oneLine(error), userName };
  };

  describe('no silent adoption of existing accounts', () => {
    it('an existing passwordless sysop "Alice" is not taken over by the website account "alice"', async () => {
      const { client, result } = await login(ALICE.username, ALICE.password);
      expect(result).toMatchObject({ status: 'FAIL', messagecode: 'authbridge-error-notlinked' });
      expect((await client.userInfo()).anon).toBe(true);
      const form = await withPage((page) => formLogin(page, ALICE.username, ALICE.password));
      expect(form).toEqual({ error: oneLine(text['authbridge-error-notlinked']), userName: null });
      expect(wiki.authBridgeLog()).toMatch(/Refused to log in website user Alice .*not linked to the website/);
      expect(await groupsOf('Alice')).toEqual(expect.arrayContaining(['sysop', 'bureaucrat']));
    });

    it('linkAccounts.php --dry-run reports what it would do and changes nothing', async () => {
      const out = await wiki.extensionMaintenance('linkAccounts.php', ['--dry-run']);
      expect(out).toContain(`Alice: would link to website user ${aliceId}`);
      expect(out).toContain('Admin: skipped: has a local wiki password (local-only, never linked)');
      expect(out).toContain('MediaWiki default: skipped: a system user (never linked)');
      expect(out).toMatch(/\d+ would be linked, 0 already linked, \d+ skipped \(dry run: nothing was changed\)/);
      expect((await login(ALICE.username, ALICE.password)).result).toMatchObject({ status: 'FAIL', messagecode: 'authbridge-error-notlinked' });
    });

    it('after linkAccounts.php the website account "alice" logs into Alice, who stays sysop', async () => {
      const out = await wiki.extensionMaintenance('linkAccounts.php', ['--user', 'Alice']);
      expect(out).toContain(`Alice: linked to website user ${aliceId}`);
      const { client, result } = await login(ALICE.username, ALICE.password);
      expect(result).toEqual({ status: 'PASS', username: 'Alice' });
      const me = await client.userInfo();
      expect(me.name).toBe('Alice');
      expect(me.groups).toEqual(expect.arrayContaining(['sysop', 'bureaucrat', 'editor']));
      expect(await wiki.extensionMaintenance('linkAccounts.php', ['--user', 'Alice'])).toContain(`Alice: already linked to website user ${aliceId}`);
    });

    it('--match-email links only an account whose confirmed email is the website user\'s verified one', async () => {
      await wiki.externalAccount('Erin', { email: 'ERIN@example.org' });
      await wiki.externalAccount('Frank', { email: 'not-frank@example.org' });
      const out = await wiki.extensionMaintenance('linkAccounts.php', ['--match-email', '--user', 'Erin', '--user', 'Frank']);
      expect(out).toMatch(/Erin: linked to website user \S+/);
      expect(out).toContain('Frank: skipped: the email addresses differ');
      expect((await login(ERIN.username, ERIN.password)).result).toEqual({ status: 'PASS', username: 'Erin' });
      expect((await login(FRANK.username, FRANK.password)).result).toMatchObject({ status: 'FAIL', messagecode: 'authbridge-error-notlinked' });
    });

    it('a new website user is still created at the first login, and linked to them', async () => {
      const { client, result } = await login(CAROL.username, CAROL.password);
      expect(result).toEqual({ status: 'PASS', username: 'Carol New' });
      const log = await client.call({ action: 'query', list: 'logevents', letype: 'newusers', letitle: 'User:Carol New' }, { method: 'GET' });
      expect(log.query.logevents.map((e: { action: string }) => e.action)).toEqual(['autocreate']);
      expect(await wiki.extensionMaintenance('linkAccounts.php', ['--dry-run', '--user', 'Carol New'])).toMatch(/Carol New: already linked to website user \S+/);
    });
  });

  describe('temporary accounts ($wgAutoCreateTempUser on)', () => {
    let tempName: string;
    beforeAll(async () => {
      tempName = (await wiki.externalAccount(null, { temporary: true })).trim();
      expect(tempName).toMatch(/^~\S+$/);
      // The website has people whose names look like the wiki's temporary accounts.
      await api.createUser({ username: tempName, password: 'Temp website 42' });
      await api.createUser({ username: '~Website pattern', password: 'Pattern website 42' });
    });

    it('a website name in the temporary-account pattern is refused, with or without such an account', async () => {
      for (const [name, password] of [[tempName, 'Temp website 42'], ['~Website pattern', 'Pattern website 42']]) {
        const { client, result } = await login(name, password);
        expect(result).toMatchObject({ status: 'FAIL', messagecode: 'authbridge-error-temporary' });
        expect(oneLine(result.message!)).toBe(oneLine(text['authbridge-error-temporary']));
        expect((await client.userInfo()).anon).toBe(true);
      }
      expect(wiki.authBridgeLog()).toContain(`Refused to ask about ${tempName}: the name is a temporary account's`);
    });

    it('a temporary account is never linked by linkAccounts.php', async () => {
      const out = await wiki.extensionMaintenance('linkAccounts.php', ['--user', tempName]);
      expect(out).toContain(`${tempName}: skipped: a temporary account (never linked)`);
      expect(out).toContain('0 linked');
    });
  });

  it("the wiki's account pages send a website account to the website (screenshots checked by their text)", async () => {
    await withPage(async (page) => {
      expect((await formLogin(page, CAROL.username, CAROL.password)).userName).toBe('Carol New');
      const expected = oneLine(await new harness.WikiClient(wiki.apiUrl).message('authbridge-error-passwordchange', [PASSWORD_URL]));
      for (const special of ['ChangePassword', 'ChangeCredentials']) {
        await page.goto(`${wiki.url}/index.php?title=Special:${special}`);
        await harness.saveScreenshot(page, `${special}-website-account`);
        const content = oneLine(await page.innerText('#mw-content-text'));
        expect(content).toContain(expected);
        expect(await page.getAttribute(`#mw-content-text a[href="${PASSWORD_URL}"]`, 'href')).toBe(PASSWORD_URL);
        expect(content).not.toMatch(/AuthenticationRequest|MediaWiki\\/);
        expect(await page.locator('#mw-content-text input[type=password]').count()).toBe(0);
      }

      await page.goto(`${wiki.url}/index.php?title=Special:Preferences`);
      await harness.saveScreenshot(page, 'Preferences-website-account');
      const owned = oneLine(await new harness.WikiClient(wiki.apiUrl).message('authbridge-pref-website-owns'));
      const prefs = page.locator('.authbridge-pref-website');
      const shown = (await prefs.allInnerTexts()).map(oneLine);
      expect(shown.find((t) => t.includes(CAROL.realName))).toContain(owned);
      expect(shown.find((t) => t.includes(CAROL.email))).toContain(owned);
      expect(shown.some((t) => t.includes(expected))).toBe(true);
      // Neither an editable real name nor core's "Change email address" button
      expect(await page.locator('input[name=wprealname]').count()).toBe(0);
      expect(await page.locator('a[href*="Special:ChangeEmail"]').count()).toBe(0);

      await page.goto(`${wiki.url}/index.php?title=Special:ChangeEmail`);
      expect(oneLine(await page.innerText('#mw-content-text'))).toContain(oneLine(await new harness.WikiClient(wiki.apiUrl).message('authbridge-account-email-website')));
    });
  });

  it("the installer's Admin keeps the wiki's own password page", async () => {
    await withPage(async (page) => {
      expect((await formLogin(page, 'Admin', wiki.adminPassword)).userName).toBe('Admin');
      await page.goto(`${wiki.url}/index.php?title=Special:ChangePassword`);
      expect(await page.locator('#mw-content-text input[type=password]').count()).toBeGreaterThan(0);
    });
  });

  it('a credential without auth:verify: a clear message, and the log names the missing scope', async () => {
    const lookupOnly = await api.createClient('wiki-without-verify', ['users:read']);
    wiki.updateSettings({ AuthBridgeApiSecret: lookupOnly.secret });
    try {
      // php -S caches compiled settings for up to opcache.revalidate_freq (2 s): wait until they apply.
      let result: ClientLoginResult;
      const deadline = Date.now() + 15000;
      do {
        ({ result } = await login(CAROL.username, CAROL.password));
      } while (result.status === 'PASS' && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 300)), true));
      expect(result).toMatchObject({ status: 'FAIL', messagecode: 'authbridge-error-missingscope' });
      expect(oneLine(result.message!)).toBe(oneLine(text['authbridge-error-missingscope']));
      expect(wiki.authBridgeLog()).toContain("POST /v1/auth/verify answered HTTP 403 FORBIDDEN: the wiki's credential lacks the scope auth:verify");
    } finally {
      wiki.updateSettings({ AuthBridgeApiSecret: wikiSecret });
    }
  });

  it('logs no PHP deprecation, warning or notice from the extension ($wgDevelopmentWarnings on)', () => {
    expect(wiki.extensionPhpProblems()).toEqual([]);
  });
});
