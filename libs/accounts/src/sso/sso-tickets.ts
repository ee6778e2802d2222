import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  WIKI_LOGIN_SPECIAL_PAGE,
  DomainError, SSO_LEEWAY_SECONDS, SSO_MAX_TICKET_TTL_SECONDS, SSO_TICKET_TYP,
  type IssueTicketRequest, type IssueTicketResponse, type RedeemTicketResponse, type SsoTicketClaims,
} from '@authbridge/contract';
import { UsedTicketRepository } from '@authbridge/storage';
import { UserDirectory } from '../sources/user-directory';
import { AuditLog } from '../audit/audit-log';
import { Clock } from '../clock';
import { toUserJson } from '../user-json';
import { b64url, signJws, TicketRejected, verifyJws } from './jws';
import { SSO_SETTINGS, SsoKeys, type SsoSettings } from './sso-keys';
import { SsoWikis } from './sso-wikis';

/** A page title, never a URL: the wiki checks it again as a Title, this only refuses the obvious. */
const URL_LIKE = /^\s*[\\/]{2}|:\/\/|[\u0000-\u001f\u007f]/;

/** Issues and redeems single-sign-on tickets (SPEC.md, "Single sign-on"). */
@Injectable()
export class SsoTickets {
  constructor(
    private readonly keys: SsoKeys,
    private readonly wikis: SsoWikis,
    private readonly users: UserDirectory,
    private readonly used: UsedTicketRepository,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    @Inject(SSO_SETTINGS) private readonly settings: SsoSettings,
  ) {}

  /** Issues a ticket and records the issue, or the refusal, in the audit log (with the jti, never the ticket). */
  async issue(request: IssueTicketRequest, clientId: string | null = null): Promise<IssueTicketResponse> {
    return this.audited('sso.ticket.issue', 'issued', request.username ?? null, clientId, () => this.issueTicket(request));
  }

  /** Redeems a ticket and records the outcome in the audit log. */
  async redeem(ticket: string, clientId: string): Promise<RedeemTicketResponse> {
    return this.audited('sso.ticket.redeem', 'redeemed', null, clientId, () => this.redeemTicket(ticket, clientId));
  }

  private async audited<T extends { jti: string; username: string }>(
    event: 'sso.ticket.issue' | 'sso.ticket.redeem',
    success: string,
    requestedName: string | null,
    clientId: string | null,
    work: () => Promise<T>,
  ): Promise<Omit<T, 'jti' | 'username'>> {
    try {
      const { jti, username, ...result } = await work();
      await this.audit.record({ event, outcome: success, username, clientId, detail: { jti } });
      return result;
    } catch (error) {
      const outcome = error instanceof DomainError ? error.code : 'INTERNAL';
      await this.audit.record({ event, outcome, username: requestedName, clientId });
      throw error;
    }
  }

  private async issueTicket(request: IssueTicketRequest): Promise<IssueTicketResponse & { jti: string; username: string }> {
    if (request.returnTo !== undefined && URL_LIKE.test(request.returnTo)) {
      throw new DomainError('VALIDATION_FAILED', 'returnTo is a page title of the wiki, not a URL.', [{ field: 'returnTo', message: 'returnTo must be a page title, not a URL' }]);
    }
    const wiki = await this.wikis.resolve(request.audience);
    const user = await this.ticketUser(request);
    if (user.disabled) throw new DomainError('ACCOUNT_DISABLED', 'A disabled account gets no ticket.');
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const ttl = Math.min(this.settings.ticketTtlSeconds, SSO_MAX_TICKET_TTL_SECONDS);
    const claims: SsoTicketClaims = {
      iss: this.settings.issuer,
      aud: wiki.id,
      sub: user.username,
      jti: b64url(randomBytes(18)),
      iat,
      nbf: iat,
      exp: iat + ttl,
      remember: request.remember ?? false,
      ...(request.returnTo ? { returnTo: request.returnTo } : {}),
      ...(request.nonce ? { nonce: request.nonce } : {}),
    };
    const { kid, privateKey } = await this.keys.signingKey();
    const ticket = await signJws({ typ: SSO_TICKET_TYP, kid }, claims, privateKey);
    return {
      ticket,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      loginUrl: `${wiki.url}/index.php?title=Special:${WIKI_LOGIN_SPECIAL_PAGE}&ticket=${encodeURIComponent(ticket)}`,
      jti: claims.jti,
      username: user.username,
    };
  }

  /**
   * The website names its user by its own id (websiteUserId, with a user source) or by name: a
   * wiki name, or with a source also its login name or email, resolved as the password login does,
   * so the ticket lands on the same wiki account.
   */
  private async ticketUser(request: IssueTicketRequest) {
    if ((request.username === undefined) === (request.websiteUserId === undefined)) {
      throw new DomainError('VALIDATION_FAILED', 'Name the user with exactly one of username and websiteUserId.', [
        { field: 'username', message: 'exactly one of username and websiteUserId is required' },
      ]);
    }
    const user = request.websiteUserId !== undefined ? await this.users.findByWebsiteId(request.websiteUserId) : await this.users.findByLogin(request.username!);
    if (!user) throw new DomainError('USER_NOT_FOUND', request.websiteUserId !== undefined ? 'No website user has this id.' : `No user named "${request.username}".`);
    return user;
  }

  /**
   * Verify, then use up the jti in one INSERT (atomic across API instances), then read the user
   * fresh, so the wiki syncs today's profile and a user disabled since issue gets nothing.
   */
  private async redeemTicket(ticket: string, clientId: string): Promise<RedeemTicketResponse & { jti: string; username: string }> {
    const now = this.clock.now();
    const registered = new Map((await this.wikis.list()).map((w) => [w.id, w]));
    let claims: Record<string, unknown>;
    try {
      claims = await verifyJws(ticket, {
        keys: await this.keys.verificationKeys(),
        typ: SSO_TICKET_TYP,
        issuer: this.settings.issuer,
        audience: [...registered.keys()],
        now: Math.floor(now.getTime() / 1000),
        leeway: SSO_LEEWAY_SECONDS,
        maxLifetime: SSO_MAX_TICKET_TTL_SECONDS,
      });
    } catch (error) {
      if (error instanceof TicketRejected) throw new DomainError(error.code, `The ticket was refused: ${error.reason}.`);
      throw error;
    }
    const wiki = registered.get(claims.aud as string)!;
    // The binding is the rule: a wiki registered without a client (before contract 1.2) fails closed.
    if (wiki.clientId === null) {
      throw new DomainError('TICKET_WRONG_CLIENT', `Wiki "${wiki.id}" is registered without its client; run: sso wikis add --id ${wiki.id} --url <its URL> --client <the wiki's client id>.`);
    }
    if (wiki.clientId !== clientId) {
      throw new DomainError('TICKET_WRONG_CLIENT', 'This client does not redeem tickets for that wiki.');
    }
    const keepUntil = new Date(((claims.exp as number) + SSO_LEEWAY_SECONDS) * 1000).toISOString();
    if (!(await this.used.consume(claims.jti as string, keepUntil, now.toISOString()))) {
      throw new DomainError('TICKET_REPLAYED', 'This ticket was already used.');
    }
    if (Math.random() < 0.05) await this.used.purgeExpired(now.toISOString());
    const user = await this.users.findByUsername(claims.sub as string);
    if (!user) throw new DomainError('USER_NOT_FOUND', 'The user of this ticket no longer exists.');
    if (user.disabled) throw new DomainError('ACCOUNT_DISABLED', 'The account was disabled after the ticket was issued.');
    return {
      user: toUserJson(user),
      remember: claims.remember === true,
      returnTo: typeof claims.returnTo === 'string' ? claims.returnTo : null,
      audience: wiki.id,
      jti: claims.jti as string,
      username: user.username,
    };
  }
}
