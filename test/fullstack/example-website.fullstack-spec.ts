// The example website's own login and logout (issue 10, item 7): the code people copy. SSO
// extends the website's login to the wiki, so a login CSRF on the website is a login to the
// wiki as the attacker. Real parts: the identity API, the website under `php -S` (browsed as
// localhost), an attacker's page served from another site (127.0.0.1, a plain Node server)
// and headless Chromium, whose SameSite rules decide which cookies go where.
// Fails, never skips, when php or Chromium is missing.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';

const load = createRequire(path.resolve('test/support/index.cjs'));
const harness = load(path.resolve('test/support/index.cjs')) as {
  startIdentityApi(options: { env: Record<string, string> }): Promise<IdentityApi>;
  launchChromium(): Promise<Browser>;
};
const { startExampleWebsite, readmeClientCreateArgs } = load(path.resolve('test/support/sso-website.cjs')) as {
  startExampleWebsite(o: { apiUrl: string; secret: string; wikiId: string; wikiUrl: string; env?: Record<string, string> }): Promise<Website>;
  readmeClientCreateArgs(): string[];
};

interface Website { url: string; port: number; output(): string; stop(): Promise<void> }
interface IdentityApi {
  url: string;
  cli(args: string[], options?: { input?: string }): Promise<any>;
  createClient(name: string, scopes: string[]): Promise<{ id: string; secret: string }>;
  createUser(user: Record<string, unknown>): Promise<{ id: string; username: string }>;
  request(method: string, route: string, options: { secret?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  output(): string; dispose(): Promise<void>;
}

jest.setTimeout(120000);

const JANE = { username: 'jane_doe', password: 'Correct horse 42' };
const MALLORY = { username: 'mallory', password: 'Attacker own 42' };
const COOKIE = 'website_session';

/** A raw HTTP exchange with the website, optionally from another loopback source address. */
function raw(url: string, { method = 'GET', headers = {}, body, localAddress }: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}):
  Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { connection: 'close', ...headers }, localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the example website (examples/php-website): its login resists CSRF, logout is POST-only, its session cookie is safe', () => {
  let api: IdentityApi;
  let website: Website;
  let browser: Browser;
  let attacker: http.Server;
  let attackerUrl: string;
  let readerSecret: string;
  /** The attacker's pages, by path; filled in by each test. */
  const attackerPages = new Map<string, string>();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    api = await harness.startIdentityApi({ env: {} });
    // Exactly as examples/php-website/README.md creates it.
    const websiteSecret = (await api.cli([...readmeClientCreateArgs(), '--json'])).secret;
    readerSecret = (await api.createClient('admin', ['users:read'])).secret;
    await api.createUser(JANE);
    await api.createUser(MALLORY);
    // No wiki here: the website needs its URL only for links this suite does not follow.
    website = await startExampleWebsite({ apiUrl: api.url, secret: websiteSecret, wikiId: 'wiki-a', wikiUrl: 'http://127.0.0.1:9' });
    // Another site: 127.0.0.1 and localhost are different sites to the browser.
    attacker = http.createServer((req, res) => {
      const page = attackerPages.get(req.url ?? '');
      res.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page ?? 'not found');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    browser = await harness.launchChromium();
  }, 120000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await website?.stop();
    await api?.dispose();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  }

  const sessionCookie = async (page: Page) => (await page.context().cookies(website.url)).find((c) => c.name.endsWith(COOKIE));

  async function status(page: Page): Promise<string> {
    await page.goto(`${website.url}/`);
    return (await page.textContent('#status')) ?? '';
  }

  async function login(page: Page, who = JANE): Promise<Response> {
    await page.goto(`${website.url}/login.php`);
    await page.fill('#username', who.username);
    await page.fill('#password', who.password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${website.url}/login.php` && r.request().method() === 'POST'),
      page.click('#submit'),
    ]);
    await page.waitForURL(`${website.url}/`);
    return response;
  }

  /** The attacker's page at `route`: a form to the website, sent by script as soon as it loads. */
  async function openAttackersForm(page: Page, route: string, action: string, fields: Record<string, string>): Promise<Response> {
    const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('');
    attackerPages.set(route, `<!DOCTYPE html><form id="f" method="post" action="${website.url}${action}">${inputs}</form><script>document.getElementById('f').submit()</script>`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${website.url}${action}` && r.request().method() === 'POST'),
      page.goto(`${attackerUrl}${route}`),
    ]);
    await page.waitForLoadState('load');
    return response;
  }

  describe('login CSRF (logged in on the website, and so on the wiki, as the attacker)', () => {
    it('a cross-site login POST without the token is refused with a 403 page and creates no session', async () => {
      const victim = await newPage();
      const response = await openAttackersForm(victim, '/login', '/login.php', MALLORY);
      expect(response.status()).toBe(403);
      expect(await victim.textContent('#forbidden')).toContain('This form was refused');
      expect((await response.allHeaders())['set-cookie'] ?? '').not.toContain(COOKIE);
      expect(await sessionCookie(victim)).toBeUndefined();
      expect(await status(victim)).toContain('not logged in');
      // Refused before the password check: the API saw no verify for the attacker's name.
      const lock = await api.request('GET', `/v1/users/${MALLORY.username}/lock`, { secret: readerSecret });
      expect(lock.body.addresses).toEqual([]);
    });

    it("also when the victim has the login page open (SameSite keeps its cookie, and so its token's session, off the cross-site POST)", async () => {
      const victim = await newPage();
      await victim.goto(`${website.url}/login.php`);
      const before = await sessionCookie(victim);
      expect(before).toBeDefined();
      const response = await openAttackersForm(victim, '/login-open', '/login.php', MALLORY);
      expect(response.status()).toBe(403);
      expect((await sessionCookie(victim))?.value).toBe(before!.value);
      expect(await status(victim)).toContain('not logged in');
    });

    it('a same-site login POST with the session cookie but a missing or wrong token is refused, and its anonymous session dropped', async () => {
      const page = await newPage();
      const request = page.context().request;
      await page.goto(`${website.url}/login.php`);
      for (const csrf of [undefined, '', 'x'.repeat(64)]) {
        const fields: Record<string, string> = { ...JANE, ...(csrf === undefined ? {} : { csrf }) };
        const refused = await request.post(`${website.url}/login.php`, { form: fields, maxRedirects: 0 });
        expect(refused.status()).toBe(403);
        expect(await refused.text()).toContain('This form was refused');
        expect(await sessionCookie(page)).toBeUndefined();
        await page.goto(`${website.url}/login.php`);
      }
      expect(await status(page)).toContain('not logged in');
      // The form itself still logs in.
      await login(page);
      expect(await page.textContent('#username')).toBe('Jane doe');
    });

    it('the login form logs in with a new session id (the pre-login id is dead) and a new token', async () => {
      const page = await newPage();
      await page.goto(`${website.url}/login.php`);
      const before = (await sessionCookie(page))!;
      const formToken = await page.getAttribute('input[name=csrf]', 'value');
      expect(formToken).toMatch(/^[0-9a-f]{64}$/);
      await login(page);
      const after = (await sessionCookie(page))!;
      expect(after.value).not.toBe(before.value);
      await page.goto(`${website.url}/logout.php`);
      expect(await page.getAttribute('input[name=csrf]', 'value')).not.toBe(formToken);
      // A browser holding the pre-login id (fixed by an attacker, say) is not logged in.
      const other = await newPage();
      await other.context().addCookies([{ name: before.name, value: before.value, domain: before.domain, path: before.path, httpOnly: before.httpOnly, secure: before.secure, sameSite: before.sameSite }]);
      expect(await status(other)).toContain('not logged in');
    });
  });

  describe('the session cookie', () => {
    it('is HttpOnly, SameSite=Lax, Path=/ and host-only, and not Secure over plain http', async () => {
      const page = await newPage();
      const response = await login(page);
      const header = (await response.allHeaders())['set-cookie'] ?? '';
      expect(header).toMatch(new RegExp(`^${COOKIE}=`));
      expect(header).toMatch(/;\s*HttpOnly/i);
      expect(header).toMatch(/;\s*SameSite=Lax/i);
      expect(header).toMatch(/;\s*path=\//i);
      expect(header).not.toMatch(/;\s*domain=/i);
      expect(header).not.toMatch(/;\s*secure/i);
      expect(await sessionCookie(page)).toMatchObject({ name: COOKIE, httpOnly: true, sameSite: 'Lax', secure: false, path: '/', domain: 'localhost' });
    });

    it('is Secure and __Host- prefixed when served over HTTPS (here: WEBSITE_HTTPS=1, TLS ended by a proxy)', async () => {
      const https = await startExampleWebsite({ apiUrl: api.url, secret: 'unused', wikiId: 'wiki-a', wikiUrl: 'http://127.0.0.1:9', env: { WEBSITE_HTTPS: '1' } });
      try {
        const res = await raw(`http://127.0.0.1:${https.port}/login.php`);
        const header = String(res.headers['set-cookie'] ?? '');
        expect(header).toMatch(new RegExp(`^__Host-${COOKIE}=`));
        expect(header).toMatch(/;\s*secure/i);
        expect(header).toMatch(/;\s*HttpOnly/i);
        expect(header).toMatch(/;\s*SameSite=Lax/i);
        expect(header).toMatch(/;\s*path=\//i);
        expect(header).not.toMatch(/;\s*domain=/i);
        // X-Forwarded-Proto is not trusted: without the setting, a client cannot ask for it.
        const plain = await raw(`${website.url}/login.php`.replace('localhost', '127.0.0.1'), { headers: { 'x-forwarded-proto': 'https' } });
        expect(String(plain.headers['set-cookie'])).toMatch(new RegExp(`^${COOKIE}=`));
      } finally {
        await https.stop();
      }
    });

    it('no page of the website can be framed by another site (clickjacking its login or logout button)', async () => {
      for (const route of ['/login.php', '/logout.php', '/']) {
        const res = await raw(`${website.url}${route}`.replace('localhost', '127.0.0.1'));
        expect(res.headers['content-security-policy']).toBe("frame-ancestors 'none'");
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
    });
  });

  describe('logout', () => {
    it('a GET to logout (a link or an image on any site, or the wiki after its own logout) does not log out; it asks, with a POST form', async () => {
      const page = await newPage();
      await login(page);
      attackerPages.set('/img', `<!DOCTYPE html><img src="${website.url}/logout.php">`);
      await page.goto(`${attackerUrl}/img`);
      await page.waitForLoadState('load');
      const asked = await page.goto(`${website.url}/logout.php`);
      expect(asked?.status()).toBe(200);
      expect(await page.textContent('#confirm-logout')).toContain('Log out of the website?');
      expect(await page.getAttribute('form', 'method')).toBe('post');
      expect(await status(page)).toContain('Logged in as');
    });

    it('a cross-site logout POST, or a same-site one without the token (403), keeps the session; the button logs out', async () => {
      const page = await newPage();
      await login(page);
      await openAttackersForm(page, '/logout', '/logout.php', {});
      expect(await status(page)).toContain('Logged in as');
      for (const csrf of [undefined, 'x'.repeat(64)]) {
        const refused = await page.context().request.post(`${website.url}/logout.php`, { form: csrf === undefined ? {} : { csrf }, maxRedirects: 0 });
        expect(refused.status()).toBe(403);
        expect(await refused.text()).toContain('This form was refused');
      }
      expect(await status(page)).toContain('Logged in as');
      await Promise.all([page.waitForURL(`${website.url}/logout.php`), page.click('#logout')]);
      expect(await page.textContent('#logged-out')).toContain('You are logged out');
      expect(await sessionCookie(page)).toBeUndefined();
      expect(await status(page)).toContain('not logged in');
    });

    it('other methods get 405 with Allow', async () => {
      const res = await raw(`${website.url}/logout.php`.replace('localhost', '127.0.0.1'), { method: 'DELETE' });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, POST');
    });
  });

  it("the website's client forwards the end user's address (created as its README says): failures count against the person's address, not the website server's", async () => {
    // The person at 127.0.0.2 (all of 127/8 is loopback); the website server calls the API from 127.0.0.1.
    const person = { localAddress: '127.0.0.2' };
    const origin = `${website.url}`.replace('localhost', '127.0.0.1');
    const page = await raw(`${origin}/login.php`, person);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(page.text)![1];
    const wrong = await raw(`${origin}/login.php`, { ...person, method: 'POST', headers: { ...FORM, cookie }, body: form({ csrf, username: JANE.username, password: 'not her password' }) });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('Wrong user name or password.');
    const lock = await api.request('GET', `/v1/users/${JANE.username}/lock`, { secret: readerSecret });
    expect(lock.body.addresses).toEqual([expect.objectContaining({ address: '127.0.0.2', failures: 1 })]);
  });
});
