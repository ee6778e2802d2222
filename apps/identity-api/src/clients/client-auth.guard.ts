import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ClientCredentials, type AuthenticatedClient } from '@authbridge/accounts';
import { DomainError, MissingScopeError, type Scope } from '@authbridge/contract';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPES } from './scopes.decorator';

interface RouteRule {
  public: boolean;
  scopes: Scope[];
}

/** `Bearer <secret>` (RFC 6750, the scheme in any case); never a secret in the query or body, which end up in logs. */
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Every route needs a client credential with the route's scopes unless it is marked @Public().
 * The header is read here rather than through a passport strategy: it is one regular expression,
 * and passport's per-request machinery was a tenth of the CPU of a user look-up. A route's rule
 * is read from its metadata once.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, RouteRule>();

  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: ClientCredentials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule.public) return true;
    const request = context.switchToHttp().getRequest<Request & { client?: AuthenticatedClient }>();
    // RFC 6750 also allows `access_token` in the query string and the body. A secret there ends up
    // in proxy logs, browser history and Referer headers, so it is refused even beside a valid header.
    if (hasAccessTokenOutsideHeader(request)) throw new DomainError('UNAUTHENTICATED', 'Send the client secret only in the Authorization header (Bearer), never in the query string or body.');
    const header = request.headers.authorization;
    const secret = header === undefined ? undefined : BEARER.exec(header)?.[1];
    // `client`, not `user`: the verify route puts the end user's outcome beside it.
    const client = secret === undefined ? undefined : await this.credentials.authenticate(secret);
    if (!client) throw new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <client secret>.');
    request.client = client;
    const missing = rule.scopes.filter((scope) => !client.scopes.includes(scope));
    // The scopes go into the problem, so the wiki can tell its administrator which one to add.
    if (missing.length) throw new MissingScopeError(missing);
    return true;
  }

  private ruleOf(context: ExecutionContext): RouteRule {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (!rule) {
      const targets = [handler, context.getClass()];
      rule = {
        public: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        scopes: this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [],
      };
      this.rules.set(handler, rule);
    }
    return rule;
  }
}

function hasAccessTokenOutsideHeader(request: Request): boolean {
  const body: unknown = request.body;
  const inBody = body !== null && typeof body === 'object' && Object.prototype.hasOwnProperty.call(body, 'access_token');
  // Read from the raw URL: Express's parsed query may be shaped by the query parser setting.
  const search = (request.originalUrl ?? request.url ?? '').split('?')[1] ?? '';
  const inQuery = new URLSearchParams(search).has('access_token');
  return inBody || inQuery;
}
