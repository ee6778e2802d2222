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
