import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { SourceAccountRepository, type SourceAccountLink, type UserRecord } from '@authbridge/storage';
import { Clock } from '../clock';
import { canonicalizeUsername } from '../username';
import { normalizeGroups } from '../user-json';
import type { SourceAccount } from './account-source';
import { BadSourceRow } from './source-errors';

/**
 * Namespace of the user ids of source accounts: id = uuidv5(`${USER_SOURCE_NAME}:${website id}`,
 * this). Fixed forever, so the same website account has the same id on every instance, after a
 * restart, and after a move into AuthBridge's own store (the import keeps it).
 */
export const SOURCE_USER_ID_NAMESPACE = '26dc72df-90d1-4481-b6f0-150cc62bc6ca';

export function sourceUserId(source: string, externalId: string): string {
  return uuidv5(`${source}:${externalId}`, SOURCE_USER_ID_NAMESPACE);
}

/** Characters MediaWiki refuses in names, replaced by "-" when a login needs it (john@example.org → John-example.org). */
const REFUSED = /[#<>[\]|{}/@:\u0000-\u001f\u007f]/g;
const MAX_SUFFIX_TRIES = 5;

/**
 * The wiki names a website account may get, in order (SPEC.md, "Wiki names of website accounts"):
 * its login in MediaWiki's canonical form; else the login with refused characters replaced by
 * "-"; else "Website user <id>"; then, if another account holds that, the same with " (<id>)",
 * " (<id>-2)", ... Only the first free one is kept, and kept for good.
 */
export function wikiNameCandidates(login: string, externalId: string): string[] {
  const base = baseName(login, externalId);
  const names = [base];
  for (let k = 1; k <= MAX_SUFFIX_TRIES; k++) names.push(withSuffix(base, k === 1 ? `(${externalId})` : `(${externalId}-${k})`, externalId));
  return [...new Set(names)];
}

function baseName(login: string, externalId: string): string {
  for (const candidate of [login, login.replace(REFUSED, '-')]) {
    const canonical = canonicalizeUsername(candidate);
    if (canonical.ok) return canonical.name;
  }
  return fallbackName(externalId);
}

function fallbackName(externalId: string): string {
  const canonical = canonicalizeUsername(`Website user ${externalId}`);
  return canonical.ok ? canonical.name : `Website user ${createHash('sha256').update(externalId).digest('hex').slice(0, 16)}`;
}

function withSuffix(base: string, suffix: string, externalId: string): string {
  // Long names lose characters at the end until the suffix fits MediaWiki's byte limit.
  let head = base;
  while (head.length > 0) {
    const canonical = canonicalizeUsername(`${head} ${suffix}`);
    if (canonical.ok) return canonical.name;
    head = head.slice(0, -Math.max(1, Math.ceil(head.length / 8))).trimEnd();
  }
  return `${fallbackName(externalId)} ${suffix}`;
}

/** Gives website accounts their wiki names and ids (table source_accounts), once, atomically. */
export class WikiNames {
  constructor(private readonly source: string, private readonly links: SourceAccountRepository, private readonly clock: Clock) {}

  findByWikiName(wikiName: string): Promise<SourceAccountLink | undefined> {
    return this.links.findByWikiName(wikiName);
  }

  /** The user as the API shows it: the account's data under its (possibly new) wiki name and stable id. */
  async toUser(account: SourceAccount, known?: SourceAccountLink): Promise<UserRecord> {
    const link = (known?.externalId === account.externalId ? known : undefined)
      ?? (await this.links.findByExternalId(this.source, account.externalId))
      ?? (await this.claim(account));
    const createdAt = account.createdAt ?? link.createdAt;
    return {
      id: link.userId,
      username: link.wikiName,
      realName: account.realName,
      email: account.email,
      emailVerified: false,
      groups: normalizeGroups(account.groups),
      disabled: account.disabled,
      passwordHash: account.passwordHash,
      // The directory adds its source's preparation; WikiNames knows only names.
      passwordPreparation: null,
      createdAt,
      updatedAt: createdAt,
    };
  }

  private async claim(account: SourceAccount): Promise<SourceAccountLink> {
    const userId = sourceUserId(this.source, account.externalId);
    for (const wikiName of wikiNameCandidates(account.login, account.externalId)) {
      const link = { source: this.source, externalId: account.externalId, userId, wikiName, createdAt: this.clock.now().toISOString() };
      if (await this.links.claim(link)) return link;
      // Another instance may have linked this very account a moment ago.
      const mine = await this.links.findByExternalId(this.source, account.externalId);
      if (mine) return mine;
    }
    throw new BadSourceRow(account.externalId, 'login', 'has no free wiki name left');
  }
}
