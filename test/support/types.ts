// The full-stack harness (test/support/*.cjs) as TypeScript sees it: one declaration of what
// index.cjs, sso-website.cjs and wordpress.cjs export, for every test/fullstack/*.ts, instead of
// a partial copy in each spec. Types only: the specs still load the CommonJS files with
// createRequire. Keep this in step with the .cjs files when they change.
import type { Browser, Page } from 'playwright-core';

/** action=clientlogin's answer (wiki-client.cjs clientLogin). */
export interface ClientLoginResult {
  status: string;
  username?: string;
  messagecode?: string;
  message?: string;
}

/** meta=userinfo with email, real name and groups (wiki-client.cjs userInfo). */
export interface UserInfo {
  id: number;
  name: string;
  anon?: boolean;
  email?: string;
  emailauthenticated?: string;
  realname?: string;
  groups: string[];
}

/** A cookie-keeping api.php client (wiki-client.cjs). */
export interface WikiClient {
  apiUrl: string;
  cookies: Map<string, string>;
  call(params: Record<string, string>, options?: { method?: string }): Promise<any>;
  loginToken(): Promise<string>;
  clientLogin(username: string, password: string, options?: { rememberMe?: boolean }): Promise<ClientLoginResult>;
  userInfo(): Promise<UserInfo>;
  /** A message of the wiki's language, as plain text. */
  message(key: string, params?: string[]): Promise<string>;
}

/** A throwaway MediaWiki with AuthBridge on php -S (wiki.cjs). */
export interface Wiki {
  url: string;
  apiUrl: string;
  adminPassword: string;
  label: string;
  dir: string;
  port: number;
  updateSettings(changes: Record<string, unknown>): void;
  maintenance(script: string, args?: string[]): Promise<string>;
  extensionMaintenance(script: string, args?: string[]): Promise<string>;
  externalAccount(name: string | null, options?: { groups?: string[]; email?: string; temporary?: boolean }): Promise<string>;
  authBridgeLog(): string;
  phpLog(): string;
  /** PHP errors, warnings and deprecations raised from the extension's own files. */
  extensionPhpProblems(): string[];
  output(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export interface CreatedClient {
  id: string;
  secret: string;
  name: string;
  scopes: string[];
  forwardsEndUserAddress?: boolean;
}

/** The built identity API as a child process on its own SQLite file (identity-api.cjs). */
export interface IdentityApi {
  dir: string;
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
  output(): string;
  /** The CLI on this API's database: stdout, parsed when --json is given. */
  cli(args: string[], options?: { input?: string }): Promise<any>;
  createClient(name: string, scopes: string[], options?: { forwardsEndUserAddress?: boolean }): Promise<CreatedClient>;
  createUser(user: {
    username: string; password?: string; email?: string; realName?: string; groups?: string[];
    emailVerified?: boolean; disabled?: boolean;
  }): Promise<{ id: string; username: string }>;
  disableUser(username: string): Promise<string>;
  request(method: string, route: string, options?: { secret?: string; body?: unknown }): Promise<{ status: number; body: any }>;
}

/** A TCP proxy that holds each new connection (delay-proxy.cjs). */
export interface DelayProxy {
  port: number;
  url: string;
  setDelay(ms: number): void;
  dropConnections(): void;
  stop(): Promise<void>;
}

/** What test/support/index.cjs exports. */
export interface Harness {
  mediawikiLabel(requested?: string): string;
  startIdentityApi(options?: { env?: Record<string, string> }): Promise<IdentityApi>;
  startWiki(options?: { settings?: Record<string, unknown>; extraPhp?: string; workers?: number; mediawiki?: string }): Promise<Wiki>;
  startDelayProxy(options: { targetPort: number; targetHost?: string }): Promise<DelayProxy>;
  launchChromium(): Promise<Browser>;
  saveScreenshot(page: Page, name: string): Promise<string>;
  withPage<T>(browser: Browser, fn: (page: Page) => Promise<T>): Promise<T>;
  wikiUserName(page: Page): Promise<string | null>;
  /** Special:UserLogin in the browser; ms is how long the form's POST took (a figure, never asserted). */
  formLogin(page: Page, wikiUrl: string, username: string, password: string): Promise<{ ms: number; error: string | null; userName: string | null }>;
  WikiClient: new (apiUrl: string) => WikiClient;
  freePort(): Promise<number>;
  sleep(ms: number): Promise<void>;
}

/** The example website of the SSO flow (sso-website.cjs). */
export interface Website {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export interface SsoWebsiteModule {
  startExampleWebsite(options: { apiUrl: string; secret: string; wikiId: string; wikiUrl: string; env?: Record<string, string> }): Promise<Website>;
  /** The arguments of the example website's README command `clients create --name website …`. */
  readmeClientCreateArgs(): string[];
}

/** A scratch WordPress database driven by WordPress's own PHP (wordpress.cjs). */
export interface ScratchWordPress {
  /** WordPress's $wp_version (6.1 on Debian 12, 6.8 in the trixie chroot). */
  version: string | null;
  database: string;
  prefix: string;
  /** USER_SOURCE_URL for the API: a SELECT-only MariaDB user. */
  sourceUrl: string;
  ops(...ops: Array<Record<string, unknown>>): Promise<any[]>;
  /** wp_insert_user; the new user's id. */
  insertUser(user: Record<string, unknown>): Promise<number>;
  sql(statement: string, params?: unknown[]): Promise<any>;
  drop(): Promise<void>;
}

export interface WordPressModule {
  /** where: 'host' (Debian 12) or 'trixie' (the Debian 13 chroot). */
  createScratchWordPress(options?: { where?: string; prefix?: string }): Promise<ScratchWordPress>;
}
