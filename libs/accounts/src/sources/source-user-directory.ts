import { createHash, timingSafeEqual } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { MAPPABLE_HASH_FORMATS, type MappableHashFormat } from '@authbridge/config';
import { DomainError } from '@authbridge/contract';
import { PasswordHasher, preparePassword, recognizeHashFormat } from '@authbridge/passwords';
import type { SourceAccountLink, UserRecord } from '@authbridge/storage';
import { counterName } from '../brute-force/counter-name';
import { decodeCursor, encodeCursor } from '../cursor';
import { canonicalizeUsername } from '../username';
import type { AccountSource, PasswordRule, SourceAccount } from './account-source';
import { BadSourceRow, badRowError } from './source-errors';
import { UserDirectory, type DirectoryPage, type LoginAttempt, type LoginCheck } from './user-directory';
import { WikiNames } from './wiki-names';

/**
 * USER_SOURCE=sql (and any source of website accounts): the website's database is read on every
 * call, never cached, so a password, role, email or block changed on the website counts at the
 * next login. Names resolve as the website's login form does (login name, then email), and each
 * account answers under the wiki name it was given once (WikiNames).
 */
export class SourceUserDirectory extends UserDirectory {
  readonly readOnly = true;
  private readonly logger = new Logger('UserSource');

  constructor(
    private readonly source: AccountSource,
    private readonly names: WikiNames,
    private readonly hasher: PasswordHasher,
    readonly kind: 'sql' | 'http' = 'sql',
  ) {
    super();
  }

  async beginLogin(typed: string): Promise<LoginAttempt> {
    const user = await this.findByLogin(typed);
    const canonical = canonicalizeUsername(typed);
    const username = user?.username ?? (canonical.ok ? canonical.name : counterName(typed));
    const exists = user !== undefined;
    if (this.source.checkPassword) return { username, exists, check: (password) => this.remoteCheck(user, typed, password) };
    return { username, exists, check: (password) => this.check(user, password) };
  }

  /**
   * The website checks the password (USER_SOURCE=http). An unknown name is asked about too, so
   * the endpoint spends its own dummy check and the answer takes as long as for a known one.
   */
  private async remoteCheck(user: UserRecord | undefined, typed: string, password: string): Promise<LoginCheck> {
    const link = user && (await this.guarded(() => this.names.findByWikiName(user.username)));
    const answer = await this.guarded(() => this.source.checkPassword!({ externalId: link?.externalId, login: typed }, password));
    if (answer.outcome !== 'PASS') return { outcome: user ? answer.outcome : 'NO_SUCH_USER' };
    if (!user) return { outcome: 'NO_SUCH_USER' };
    return { outcome: 'PASS', user: await this.guarded(() => this.toUser(answer.account, link)) };
  }

  async findByLogin(typed: string): Promise<UserRecord | undefined> {
    const account = await this.guarded(() => this.resolve(typed));
    if (account) return this.guarded(() => this.toUser(account));
    // The wiki name an account was given (a renamed account keeps it), or would get.
    const canonical = canonicalizeUsername(typed);
    return canonical.ok ? this.findByUsername(canonical.name) : undefined;
  }

  async findByUsername(wikiName: string): Promise<UserRecord | undefined> {
    return this.guarded(async () => {
      const link = await this.names.findByWikiName(wikiName);
      if (link) {
        const account = link.source === this.source.name ? await this.source.findById(link.externalId) : undefined;
        return account && this.toUser(account, link);
      }
      // Not linked yet: the accounts whose login could canonicalise to this name, lowest id first.
      const spellings = [wikiName, wikiName.replace(/ /g, '_')];
      const logins = [...new Set([...spellings, ...spellings.map(lowerFirst)])];
      const accounts = (await this.source.findByLogins(logins)).sort(byId);
      for (const account of accounts) {
        const user = await this.toUser(account);
        if (user.username === wikiName) return user;
      }
      return undefined;
    });
  }

  async findByWebsiteId(websiteId: string): Promise<UserRecord | undefined> {
    return this.guarded(async () => {
      const account = await this.source.findById(websiteId);
      return account && this.toUser(account);
    });
  }

  async list({ prefix, cursor, limit }: { prefix: string; cursor?: string; limit: number }): Promise<DirectoryPage> {
    const afterId = cursor === undefined ? undefined : decodeCursor('s', cursor);
    const page = await this.source.list({ afterId, loginPrefix: prefix, limit });
    for (const bad of page.bad) this.logBadRow(bad);
    const users: UserRecord[] = [];
    for (const account of page.accounts) {
      try {
        users.push(await this.toUser(account));
      } catch (error) {
        if (!(error instanceof BadSourceRow)) throw error;
        this.logBadRow(error);
      }
    }
    return { users, nextCursor: page.more && page.lastId !== null ? encodeCursor('s', page.lastId) : null };
  }

  /** The website's own email look-up (its column's collation decides case), as logging in by email. */
  async findByEmail(email: string, limit: number): Promise<UserRecord[]> {
    const accounts = await this.guarded(() => this.source.findByEmail(email));
    const users: UserRecord[] = [];
    for (const account of accounts) {
      try {
        users.push(await this.toUser(account));
      } catch (error) {
        // one bad row must not hide the others from the administrator looking for them
        if (!(error instanceof BadSourceRow)) throw error;
        this.logBadRow(error);
      }
    }
    return users.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0)).slice(0, limit);
  }

  ready(): Promise<void> {
    return this.source.ping();
  }

  /**
   * As WordPress's login: the login name first, then (for an address) the email; then a wiki name
   * already given. The wiki sends a name in MediaWiki's canonical form (first letter upper-cased),
   * so a database that compares case-sensitively is also asked with the first letter lowered.
   */
  private async resolve(typed: string): Promise<SourceAccount | undefined> {
    const login = typed.replace(/\s+/g, ' ').trim();
    if (!login) return undefined;
    const spellings = [...new Set([login, lowerFirst(login)])];
    for (const spelling of spellings) {
      const byLogin = await this.source.findByLogins([spelling]);
      if (byLogin.length === 1) return byLogin[0];
      if (byLogin.length > 1) return this.ambiguous('login', byLogin);
    }
    if (login.includes('@')) {
      for (const spelling of spellings) {
        const byEmail = await this.source.findByEmail(spelling);
        if (byEmail.length === 1) return byEmail[0];
        if (byEmail.length > 1) return this.ambiguous('email', byEmail);
      }
    }
    return undefined;
  }

  /** Two website accounts answer to one name: neither is chosen (an attacker could have made the second). */
  private ambiguous(by: string, accounts: SourceAccount[]): undefined {
    this.logger.warn({ msg: `website accounts share one ${by}; none of them can log in with it`, websiteIds: accounts.map((a) => a.externalId) });
    return undefined;
  }

  private async check(user: UserRecord | undefined, typedPassword: string): Promise<LoginCheck> {
    const password = preparePassword(this.source.passwordRule.preparation, typedPassword);
    if (!user) {
      await this.spendDummy(password);
      return { outcome: 'NO_SUCH_USER' };
    }
    const ok = await this.verifyHash(user, password);
    return ok ? { outcome: 'PASS', user } : { outcome: 'WRONG_PASSWORD' };
  }

  /**
   * Only the formats the website itself accepts pass; an unusable hash (NULL, unknown format,
   * a cost out of bounds) is a wrong password with a log line, after the same dummy check an
   * unknown user costs. Nothing is ever rehashed: the website's database is read-only to us.
   */
  private async verifyHash(user: UserRecord, password: string): Promise<boolean> {
    const hash = user.passwordHash;
    const format = hash === null ? null : hashFormat(hash);
    if (hash === null || format === null || !this.source.passwordRule.formats.includes(format)) {
      this.logger.warn({
        msg: hash === null ? 'website user has no password hash; the login fails' : 'website user\'s password hash is of a format this source does not accept; the login fails',
        user: user.username,
        format: format ?? 'unknown',
      });
      await this.spendDummy(password);
      return false;
    }
    if (format === 'md5-hex') {
      // WordPress still accepts a bare MD5 (rows from before 2.5); cheap, so spend the usual time too.
      const ok = timingSafeHexEqual(hash, createHash('md5').update(password, 'utf8').digest('hex'));
      if (!ok) await this.spendDummy(password);
      return ok;
    }
    return (await this.hasher.verify(hash, password)).ok;
  }

  private async spendDummy(password: string): Promise<void> {
    await this.hasher.verify(await this.hasher.dummyHash(), password);
  }

  /** The account under its wiki name, with the source's preparation beside its hash (what `users export` writes). */
  private async toUser(account: SourceAccount, link?: SourceAccountLink): Promise<UserRecord> {
    return { ...(await this.names.toUser(account, link)), passwordPreparation: this.source.passwordRule.preparation };
  }

  /** Source failures become the contract's codes; a bad row is logged with its id and field, never its value. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BadSourceRow) {
        this.logBadRow(error);
        throw badRowError();
      }
      if (error instanceof DomainError) throw error;
      this.logger.error({ msg: 'the user source failed', error: (error as Error).message });
      throw new DomainError('SOURCE_UNAVAILABLE', 'The website\'s user database does not answer; try again later.');
    }
  }

  private logBadRow(error: BadSourceRow): void {
    this.logger.error({ msg: 'refused a row of the user source', websiteId: error.externalId, field: error.field, reason: error.reason });
  }
}

function hashFormat(hash: string): MappableHashFormat | null {
  if (/^[0-9a-f]{32}$/.test(hash)) return 'md5-hex';
  const format = recognizeHashFormat(hash);
  return format !== null && (MAPPABLE_HASH_FORMATS as readonly string[]).includes(format) ? (format as MappableHashFormat) : null;
}

/** Both are 32 hex digits here (hashFormat checked the stored one). */
function timingSafeHexEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

function lowerFirst(name: string): string {
  const first = name.codePointAt(0);
  if (first === undefined) return name;
  const char = String.fromCodePoint(first);
  return char.toLowerCase() + name.slice(char.length);
}

function byId(a: SourceAccount, b: SourceAccount): number {
  const [x, y] = [a.externalId, b.externalId];
  return /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(BigInt(x) - BigInt(y) > 0n) - Number(BigInt(x) - BigInt(y) < 0n) : x < y ? -1 : x > y ? 1 : 0;
}
