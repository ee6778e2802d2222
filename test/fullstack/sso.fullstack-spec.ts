// Single sign-on (issue 4, "Done when" 1-6, and 7: tickets bound to the browser) on a real MediaWiki (Debian's package, php -S on
// 127.0.0.1), the real identity API (SQLite) and the example PHP website (php -S, browsed as
// localhost, so no cookie is shared), driven by headless Chromium.
// Fails, never skips, when php, MediaWiki or Chromium is missing.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Harness, IdentityApi, SsoWebsiteModule, Website, Wiki, WikiClient } from '../support/types';

const load = createRequire(path.resolve('test/support/index.cjs'));
const harness = load(path.resolve('test/support/index.cjs')) as Harness;
const { startExampleWebsite, readmeClientCreateArgs } = load(path.resolve('test/support/sso-website.cjs')) as SsoWebsiteModule;

jest.setTimeout(120000);

const WIKI_ID = 'wiki-a';
const ISSUER = 'http://id.authbridge.test';
const TTL = 5;
const JANE = { username: 'jane_doe', password: 'Correct horse 42', email: 'jane@example.org', realName: 'Jane Doe', groups: ['editors', 'newsletter'], emailVerified: true };

describe(`single sign-on from the example website into a real MediaWiki (${harness.mediawikiLabel()})`, () => {
  let api: IdentityApi;
  let wiki: Wiki;
  let website: Website;
  let browser: Browser;
  let websiteSecret: string;
  let text: Record<string, string>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    api = await harness.startIdentityApi({ env: { SSO_ISSUER: ISSUER, SSO_TICKET_TTL_SECONDS: String(TTL), SSO_LOGOUT_TIMEOUT_MS: '2000' } });
    const wikiClient = await api.createClient('wiki', ['auth:verify', 'users:read', 'sso:redeem']);
    // As examples/php-website/README.md creates it (--forwards-end-user-address: it sends context.ip).
    websiteSecret = (await api.cli([...readmeClientCreateArgs(), '--json'])).secret;
    await api.createUser(JANE);
    wiki = await harness.startWiki({
      settings: {
        AuthBridgeApiUrl: api.url,
        AuthBridgeApiSecret: wikiClient.secret,
        AuthBridgeGroupMap: { editors: 'editor' },
        AuthBridgeWikiId: WIKI_ID,
        AuthBridgeSsoIssuer: ISSUER,
      },
      // Temporary accounts on, so their name pattern is reserved on 1.39 too
      extraPhp: ["$wgAutoCreateTempUser['enabled'] = true;", "$wgAutoCreateTempUser['genPattern'] = '~$1';",
        "$wgAutoCreateTempUser['matchPattern'] = '~$1';", "$wgAutoCreateTempUser['reservedPattern'] = '~$1';"].join('\n'),
    });
    await api.cli(['sso', 'wikis', 'add', '--id', WIKI_ID, '--url', wiki.url, '--client', wikiClient.id]);
    await api.cli(['sso', 'wikis', 'add', '--id', 'wiki-b', '--url', 'http://127.0.0.1:9', '--client', wikiClient.id]);
    website = await startExampleWebsite({ apiUrl: api.url, secret: websiteSecret, wikiId: WIKI_ID, wikiUrl: wiki.url });
    wiki.updateSettings({ AuthBridgeLogoutUrl: `${website.url}/logout.php`, AuthBridgeSsoStartUrl: `${website.url}/go-to-wiki.php` });
    // php -S caches compiled settings for up to opcache.revalidate_freq (2 s): wait until they apply.
    const deadline = Date.now() + 15000;
    while (!((await fetch(startUrl(), { redirect: 'manual' })).headers.get('location') ?? '').startsWith(`${website.url}/go-to-wiki.php?`)) {
      if (Date.now() > deadline) throw new Error('the wiki did not pick up $wgAuthBridgeSsoStartUrl');
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await harness.launchChromium();
    const messages = new harness.WikiClient(wiki.apiUrl);
    text = {};
    for (const key of ['invalid', 'expired', 'replayed', 'audience', 'returnto', 'browser']) text[key] = await messages.message(`authbridge-sso-error-${key}`);
  }, 120000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await website?.stop();
    await wiki?.dispose();
    await api?.dispose();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  }

  const wikiPage = (title: string) => `${wiki.url}/index.php?title=${encodeURIComponent(title.replace(/ /g, '_'))}`;
  const startUrl = () => `${wikiPage('Special:AuthBridgeLogin')}&start=1`;
  // RLCONF is in the page's head; mw.config only once ResourceLoader's startup script ran.
  const wikiUser = (page: Page) => harness.wikiUserName(page);

  async function websiteLogin(page: Page, { remember = false } = {}): Promise<void> {
    await page.goto(`${website.url}/login.php`);
    await page.fill('#username', JANE.username);
    await page.fill('#password', JANE.password);
    if (remember) await page.check('#remember');
    await Promise.all([page.waitForURL(`${website.url}/`), page.click('#submit')]);
    expect(await page.textContent('#username')).toBe('Jane doe');
  }

  async function goToWiki(page: Page): Promise<void> {
    await Promise.all([page.waitForURL((u) => u.host === new URL(wiki.url).host), page.click('#go-to-wiki')]);
    await page.waitForLoadState('load');
  }

  async function ticket(body: Record<string, unknown> = {}): Promise<{ ticket: string; loginUrl: string }> {
    const res = await api.request('POST', '/v1/sso/tickets', { secret: websiteSecret, body: { username: JANE.username, audience: WIKI_ID, ...body } });
    expect(res.status).toBe(201);
    return res.body;
  }

  const wikiCookies = async (page: Page) => (await page.context().cookies(wiki.url)).map((c) => c.name);
  const nonceCookie = async (page: Page) => (await page.context().cookies(wiki.url)).find((c) => c.name.endsWith('AuthBridgeSsoNonce'));

  /**
   * A browser that started the hand-off at the wiki (it holds the wiki's nonce cookie; not logged
   * in on the website, so the website stops at its login form) and a ticket bound to it.
   */
  async function boundTicket(body: Record<string, unknown> = {}): Promise<{ page: Page; loginUrl: string; ticket: string }> {
    const page = await newPage();
    await page.goto(startUrl());
    expect(page.url()).toBe(`${website.url}/login.php`);
    const cookie = await nonceCookie(page);
    expect(cookie).toBeDefined();
    return { page, ...(await ticket({ ...body, nonce: createHash('sha256').update(cookie!.value).digest('base64url') })) };
  }

  async function expectRefused(url: string, message: string, page?: Page): Promise<void> {
    page ??= await newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(400);
    expect(new URL(page.url()).host).toBe(new URL(wiki.url).host);
    expect(await page.textContent('.authbridge-sso-error')).toContain(message);
    expect(await page.isVisible('.authbridge-sso-login-link a')).toBe(true);
    expect(await wikiUser(page)).toBeNull();
    expect((await wikiCookies(page)).filter((n) => /UserID$|Token$/.test(n))).toEqual([]);
  }

  it('1: website login, "Go to the wiki", logged in; three clicks later still logged in; account auto-created with profile and groups', async () => {
    const page = await newPage();
    await websiteLogin(page);
    await goToWiki(page);
    expect(new URL(page.url()).host).toBe(new URL(wiki.url).host);
    expect(await wikiUser(page)).toBe('Jane doe');
    for (const link of ['#n-recentchanges a', '#n-mainpage-description a', '#n-randompage a']) {
      await Promise.all([page.waitForNavigation(), page.click(link)]);
      expect(await wikiUser(page)).toBe('Jane doe');
    }
    const info = await page.evaluate(async (api) => (await (await fetch(`${api}?action=query&meta=userinfo&uiprop=email|realname|groups&format=json&formatversion=2`)).json()).query.userinfo, wiki.apiUrl);
    expect(info).toMatchObject({ name: 'Jane doe', email: JANE.email, realname: JANE.realName });
    expect(info.emailauthenticated).toBeTruthy();
    expect(info.groups).toEqual(expect.arrayContaining(['editor']));
    expect(wiki.authBridgeLog()).not.toContain(JANE.password);
  });

  describe('2: tickets that must not log anyone in show their own message', () => {
    let expiring: { loginUrl: string; issuedAt: number };
    beforeAll(async () => {
      expiring = { ...(await ticket()), issuedAt: Date.now() };
    });

    it('the same ticket used a second time', async () => {
      const { page: first, loginUrl, ticket: t } = await boundTicket();
      await first.goto(loginUrl);
      expect(await wikiUser(first)).toBe('Jane doe');
      await expectRefused(loginUrl, text.replayed);
      const signature = t.split('.')[2];
      expect(wiki.authBridgeLog()).toContain('TICKET_REPLAYED');
      expect(wiki.authBridgeLog()).not.toContain(signature);
      expect(api.output()).not.toContain(signature);
    });

    it('a ticket with a changed signature', async () => {
      const { loginUrl, ticket: t } = await ticket();
      const [h, p, s] = t.split('.');
      const i = Math.floor(s.length / 2);
      await expectRefused(loginUrl.replace(t, `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`), text.invalid);
    });

    it('a ticket with a changed payload', async () => {
      const { loginUrl, ticket: t } = await ticket();
      const [h, p, s] = t.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      await expectRefused(loginUrl.replace(t, `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'Admin' })).toString('base64url')}.${s}`), text.invalid);
    });

    it('an unsigned (alg: none) token', async () => {
      const { loginUrl, ticket: t } = await ticket();
      const [h, p] = t.split('.');
      const none = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(h, 'base64url').toString()), alg: 'none' })).toString('base64url');
      await expectRefused(loginUrl.replace(t, `${none}.${p}.`), text.invalid);
    });

    it('a ticket for another wiki', async () => {
      const { ticket: t } = await ticket({ audience: 'wiki-b' });
      await expectRefused(`${wikiPage('Special:AuthBridgeLogin')}&ticket=${t}`, text.audience);
    });

    it('a returnto pointing to another host', async () => {
      const { loginUrl } = await ticket();
      await expectRefused(`${loginUrl}&returnto=${encodeURIComponent('http://evil.example/')}`, text.returnto);
      const second = await ticket();
      await expectRefused(`${second.loginUrl}&returnto=${encodeURIComponent('//evil.example/x')}`, text.returnto);
    });

    it('an expired ticket', async () => {
      // Lifetime TTL plus the 5 s leeway, then one more second.
      const wait = expiring.issuedAt + (TTL + 5 + 1.5) * 1000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await expectRefused(expiring.loginUrl, text.expired);
    }, 60000);
  });

  it('3: the long-lived login cookie is set only with remember-me', async () => {
    const without = await newPage();
    await websiteLogin(without);
    await goToWiki(without);
    expect(await wikiUser(without)).toBe('Jane doe');
    expect((await wikiCookies(without)).filter((n) => n.endsWith('Token'))).toEqual([]);

    const withRemember = await newPage();
    await websiteLogin(withRemember, { remember: true });
    await goToWiki(withRemember);
    expect(await wikiUser(withRemember)).toBe('Jane doe');
    const token = (await withRemember.context().cookies(wiki.url)).find((c) => c.name.endsWith('Token'));
    expect(token).toBeDefined();
    expect(token!.expires * 1000).toBeGreaterThan(Date.now() + 86400 * 1000);
  });

  describe('4: logout', () => {
    it('logging out on the website makes the next wiki request anonymous (single logout)', async () => {
      const page = await newPage();
      await websiteLogin(page, { remember: true });
      await goToWiki(page);
      expect(await wikiUser(page)).toBe('Jane doe');
      await page.goto(`${website.url}/`);
      await Promise.all([page.waitForURL(`${website.url}/logout.php`), page.click('#logout')]);
      expect(await page.textContent('#wikis')).toContain(`${WIKI_ID}:ok`);
      await page.goto(wikiPage('Main Page'));
      expect(await wikiUser(page)).toBeNull();
    });

    it("logging out on the wiki sends the person to the website's logout", async () => {
      const page = await newPage();
      await websiteLogin(page);
      await goToWiki(page);
      expect(await wikiUser(page)).toBe('Jane doe');
      // The skin's own logout link (it posts action=logout, then opens Special:UserLogout).
      await Promise.all([
        page.waitForURL(`${website.url}/logout.php`, { timeout: 20000 }),
        page.evaluate(() => (document.querySelector('#pt-logout a') as HTMLElement).click()),
      ]);
      // A GET never logs out of the website (another site could send one); it asks, with a POST form.
      expect(await page.textContent('#confirm-logout')).toContain('Log out of the website?');
      await Promise.all([page.waitForNavigation(), page.click('#logout')]);
      expect(await page.textContent('#logged-out')).toContain('You are logged out');
      await page.goto(`${website.url}/`);
      expect(await page.textContent('#status')).toContain('not logged in');
      await page.goto(wikiPage('Main Page'));
      expect(await wikiUser(page)).toBeNull();
    });

    it("the wiki's logout form (without JavaScript's help) also continues to the website's logout", async () => {
      const page = await newPage();
      await websiteLogin(page);
      await goToWiki(page);
      await page.goto(wikiPage('Special:UserLogout'));
      await Promise.all([
        page.waitForURL(`${website.url}/logout.php`, { timeout: 20000 }),
        page.click('#mw-content-text form [type=submit]'),
      ]);
      await page.goto(wikiPage('Main Page'));
      expect(await wikiUser(page)).toBeNull();
    });
  });

  describe('5: automatic login', () => {
    beforeAll(async () => {
      wiki.updateSettings({ AuthBridgeAutoLoginUrl: `${website.url}/autologin.php` });
      // php -S caches compiled settings for up to opcache.revalidate_freq (2 s): wait until they apply.
      const deadline = Date.now() + 15000;
      while ((await fetch(wikiPage('Main Page'), { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Test' } })).status !== 302) {
        if (Date.now() > deadline) throw new Error('the wiki did not pick up $wgAuthBridgeAutoLoginUrl');
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    afterAll(() => wiki.updateSettings({ AuthBridgeAutoLoginUrl: '' }));

    /** Main-frame navigations (each redirect hop is one) while `action` runs. */
    async function hops(page: Page, action: () => Promise<unknown>): Promise<string[]> {
      const seen: string[] = [];
      const listener = (request: any) => {
        if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.push(request.url());
      };
      page.on('request', listener);
      await action();
      await page.waitForLoadState('load');
      page.off('request', listener);
      return seen;
    }

    it('a logged-in website user opening a wiki page is logged in without a click', async () => {
      const page = await newPage();
      await websiteLogin(page);
      const chain = await hops(page, () => page.goto(wikiPage('Help:Contents')));
      expect(await wikiUser(page)).toBe('Jane doe');
      expect(new URL(page.url()).searchParams.get('title') ?? new URL(page.url()).pathname).toMatch(/Help:Contents/);
      expect(chain.length).toBeLessThanOrEqual(5);
    });

    it('an anonymous visitor sees the page anonymously, bounced once, with no loop', async () => {
      const page = await newPage();
      const chain = await hops(page, () => page.goto(wikiPage('Help:Contents')));
      expect(await wikiUser(page)).toBeNull();
      expect(page.url()).toContain('Help:Contents');
      // page → page?authbridgecc (cookie test) → website bounce → Special:AuthBridgeLogin?noticket → page
      expect(chain.length).toBe(5);
      expect(chain.filter((u) => u.startsWith(website.url))).toHaveLength(1);
      const again = await hops(page, () => page.goto(wikiPage('Main Page')));
      expect(again).toHaveLength(1);
      expect(await wikiUser(page)).toBeNull();
    });

    it('never for clients without cookies, bots or the API', async () => {
      const noCookies = await fetch(wikiPage('Main Page'), { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Test' } });
      expect(noCookies.status).toBe(302);
      const checked = await fetch(noCookies.headers.get('location')!, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Test' } });
      expect(checked.status).toBe(200);
      const bot = await fetch(wikiPage('Main Page'), { redirect: 'manual', headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' } });
      expect(bot.status).toBe(200);
      const apiCall = await fetch(`${wiki.apiUrl}?action=query&meta=siteinfo&format=json`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Test' } });
      expect(apiCall.status).toBe(200);
    });
  });

  describe("7: a ticket logs in only the browser that asked for it (login CSRF with a user's own ticket)", () => {
    /**
     * The attacker, logged in on the website as themself, walks the real hand-off in their own
     * browser context (its cookie jar: the wiki's nonce, the website's session) and keeps the
     * login URL instead of opening it.
     */
    async function attackersLoginUrl(): Promise<{ attacker: Page; loginUrl: string }> {
      const attacker = await newPage();
      await websiteLogin(attacker);
      const http = attacker.context().request;
      const started = await http.get(startUrl(), { maxRedirects: 0 });
      expect(started.status()).toBe(302);
      const toWebsite = started.headers().location;
      expect(toWebsite).toMatch(new RegExp(`^${website.url}/go-to-wiki\\.php\\?.*nonce=[A-Za-z0-9_-]{43}`));
      const issued = await http.get(toWebsite, { maxRedirects: 0 });
      expect(issued.status()).toBe(302);
      const loginUrl = issued.headers().location;
      expect(loginUrl).toContain('Special:AuthBridgeLogin&ticket=');
      const cookie = await nonceCookie(attacker);
      // __Host-: Secure, no Domain (host-only), Path=/; for one flow (ten minutes at most)
      expect(cookie).toMatchObject({ name: '__Host-AuthBridgeSsoNonce', httpOnly: true, sameSite: 'Lax', secure: true, path: '/', domain: new URL(wiki.url).hostname });
      expect(cookie!.expires * 1000).toBeLessThanOrEqual(Date.now() + 600 * 1000 + 5000);
      expect(toWebsite).not.toContain(cookie!.value);
      expect(loginUrl).not.toContain(cookie!.value);
      return { attacker, loginUrl };
    }

    it("the attacker's ticket opened in the victim's browser logs nobody in and shows its message", async () => {
      const { loginUrl } = await attackersLoginUrl();
      await expectRefused(loginUrl, text.browser);
      expect(wiki.authBridgeLog()).toContain('TICKET_NOT_FOR_THIS_BROWSER');
      expect(wiki.authBridgeLog()).not.toContain(loginUrl.split('ticket=')[1].split('.')[2]);
    });

    it('also when the victim started a hand-off of their own (another nonce), which is then cleared', async () => {
      const { loginUrl } = await attackersLoginUrl();
      const victim = await newPage();
      await victim.goto(startUrl());
      expect(await nonceCookie(victim)).toBeDefined();
      await expectRefused(loginUrl, text.browser, victim);
      expect(await nonceCookie(victim)).toBeUndefined();
    });

    it("a nonce cookie planted in the victim's browser (as a sibling subdomain could) does not bind the victim's login", async () => {
      const { attacker, loginUrl } = await attackersLoginUrl();
      const planted = (await nonceCookie(attacker))!;
      const victim = await newPage();
      // The browser jar as cookie tossing from another host of the site would leave it: the
      // attacker's own nonce, under the wiki's cookie name. The victim's wiki session never set it.
      await victim.context().addCookies([{ name: planted.name, value: planted.value, domain: planted.domain, path: planted.path,
        secure: planted.secure, httpOnly: planted.httpOnly, sameSite: planted.sameSite, expires: planted.expires }]);
      await expectRefused(loginUrl, text.browser, victim);
      expect(wiki.authBridgeLog()).toContain('the nonce cookie was not set for this wiki session (planted?)');
    });

    it('the same hand-off in the browser that started it logs in', async () => {
      const { attacker, loginUrl } = await attackersLoginUrl();
      await attacker.goto(loginUrl);
      expect(await wikiUser(attacker)).toBe('Jane doe');
      expect(await nonceCookie(attacker)).toBeUndefined();
    });

    it('a ticket without a nonce is refused with the same message ($wgAuthBridgeSsoRequireNonce)', async () => {
      const { page } = await boundTicket();
      const { loginUrl } = await ticket();
      await expectRefused(loginUrl, text.browser, page);
    });
  });

  describe('which wiki account a ticket logs into (the same rule as the password login)', () => {
    beforeAll(async () => {
      // Bob came from another login extension: no local password, sysop.
      await wiki.externalAccount('Bob', { groups: ['sysop'] });
      await api.createUser({ username: 'bob', password: 'Bob website 42' });
      await api.createUser({ username: '~Website pattern', password: 'Pattern website 42' });
      for (const key of ['authbridge-error-notlinked', 'authbridge-error-temporary']) text[key] = await new harness.WikiClient(wiki.apiUrl).message(key);
    });

    it('a ticket for the website user "bob" does not log into the existing passwordless sysop Bob', async () => {
      const { page, loginUrl } = await boundTicket({ username: 'bob' });
      await expectRefused(loginUrl, text['authbridge-error-notlinked'], page);
      expect(wiki.authBridgeLog()).toMatch(/Refused to log in website user Bob \(id [^,]+, ticket\): the existing wiki account of that name is not linked/);
    });

    it('a ticket for a website user whose name is in the temporary-account pattern is refused', async () => {
      const { page, loginUrl } = await boundTicket({ username: '~Website pattern' });
      await expectRefused(loginUrl, text['authbridge-error-temporary'], page);
    });
  });

  it('6: bot passwords and action=login for bots still work with SSO enabled, and so does clientlogin', async () => {
    const out = await wiki.maintenance('createBotPassword.php', ['--appid', 'ssotest', '--grants', 'basic', 'Admin', 'botpassword1234567890abcdefghijkl']);
    expect(out).toMatch(/Success|created/i);
    const bot = new harness.WikiClient(wiki.apiUrl);
    const token = (await bot.call({ action: 'query', meta: 'tokens', type: 'login' }, { method: 'GET' })).query.tokens.logintoken;
    const login = await bot.call({ action: 'login', lgname: 'Admin@ssotest', lgpassword: 'botpassword1234567890abcdefghijkl', lgtoken: token });
    expect(login.login).toMatchObject({ result: 'Success', lgusername: 'Admin' });
    expect((await bot.userInfo()).name).toBe('Admin');
    const person = new harness.WikiClient(wiki.apiUrl);
    expect(await person.clientLogin(JANE.username, JANE.password)).toMatchObject({ status: 'PASS', username: 'Jane doe' });
  });

  it('logs no PHP deprecation, warning or notice from the extension ($wgDevelopmentWarnings on)', () => {
    expect(wiki.extensionPhpProblems()).toEqual([]);
  });
});
