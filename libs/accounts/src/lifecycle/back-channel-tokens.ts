import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SSO_ACCOUNT_EVENT, SSO_LOGOUT_EVENT, SSO_LOGOUT_TYP, SSO_MAX_TICKET_TTL_SECONDS, type SsoLogoutTokenClaims } from '@authbridge/contract';
import type { NewAccountEvent, SsoWikiRecord } from '@authbridge/storage';
import { Clock } from '../clock';
import { b64url, signJws } from '../sso/jws';
import { SSO_SETTINGS, SsoKeys, type SsoSettings } from '../sso/sso-keys';

/**
 * Back-channel tokens (SPEC.md, "The account's life follows the website"): the ticket key, their
 * own `typ` (never accepted as a ticket), the account by `uid`; a fresh one for every attempt.
 */
@Injectable()
export class BackChannelTokens {
  constructor(
    private readonly keys: SsoKeys,
    private readonly clock: Clock,
    @Inject(SSO_SETTINGS) private readonly settings: SsoSettings,
  ) {}

  async sign(wiki: SsoWikiRecord, event: NewAccountEvent & { seq: number }): Promise<string> {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const { kid, privateKey } = await this.keys.signingKey();
    const claims: SsoLogoutTokenClaims = {
      iss: this.settings.issuer,
      aud: wiki.id,
      sub: event.username,
      uid: event.userId,
      jti: b64url(randomBytes(18)),
      iat,
      exp: iat + SSO_MAX_TICKET_TTL_SECONDS,
      events: {
        [SSO_LOGOUT_EVENT]: {},
        ...(event.change === 'logout' || event.state === null ? {} : { [SSO_ACCOUNT_EVENT]: { change: event.change, state: event.state, seq: event.seq } }),
      },
    };
    return signJws({ typ: SSO_LOGOUT_TYP, kid }, claims, privateKey);
  }
}
