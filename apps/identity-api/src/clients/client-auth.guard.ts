import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { AuthenticatedClient } from '@authbridge/accounts';
import { DomainError, MissingScopeError, type Scope } from '@authbridge/contract';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPES } from './scopes.decorator';
import { CLIENT_BEARER } from './client-bearer.strategy';

/** Every route needs a client credential with the route's scopes unless it is marked @Public(). */
@Injectable()
export class ClientAuthGuard extends AuthGuard(CLIENT_BEARER) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    // passport-http-bearer also takes `access_token` from the query string and the body (RFC 6750
    // 2.2, 2.3). A secret there ends up in proxy logs, browser history and Referer headers, so it
    // is refused even when an Authorization header is present too.
    const request = context.switchToHttp().getRequest<Request>();
    if (hasAccessTokenOutsideHeader(request)) throw new DomainError('UNAUTHENTICATED', 'Send the client secret only in the Authorization header (Bearer), never in the query string or body.');
    await super.canActivate(context);
    const client = context.switchToHttp().getRequest<Request & { client: AuthenticatedClient }>().client;
    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [];
    const missing = required.filter((scope) => !client.scopes.includes(scope));
    // The scopes go into the problem, so the wiki can tell its administrator which one to add.
    if (missing.length) throw new MissingScopeError(missing);
    return true;
  }

  getAuthenticateOptions() {
    // `client`, not passport's default `user`: the verify route puts the end user's outcome there.
    return { property: 'client', session: false };
  }

  handleRequest<T>(error: unknown, client: T): T {
    if (error || !client) throw new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <client secret>.');
    return client;
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
