import { Inject, Injectable, Logger } from '@nestjs/common';
import { requireCanonicalName, SSO_SETTINGS, SsoTickets, SsoWikis, type SsoSettings } from '@authbridge/accounts';
import type { SsoLogoutResponse } from '@authbridge/contract';
import { LogoutNotifier } from './logout-notifier';

/** Single logout: every registered wiki gets a signed logout token for the user, in parallel. */
@Injectable()
export class SsoLogoutService {
  private readonly logger = new Logger('SsoLogout');

  constructor(
    private readonly tickets: SsoTickets,
    private readonly wikis: SsoWikis,
    private readonly notifier: LogoutNotifier,
    @Inject(SSO_SETTINGS) private readonly settings: SsoSettings,
  ) {}

  /** A wiki that does not answer is reported, and does not hold up the others. */
  async logout(username: string): Promise<SsoLogoutResponse> {
    const name = requireCanonicalName(username);
    const results = await Promise.all((await this.wikis.list()).map(async (wiki) => {
      const token = await this.tickets.logoutToken(wiki, name);
      const httpStatus = await this.notifier.notify(`${wiki.url}/rest.php/authbridge/v1/logout`, token, this.settings.logoutTimeoutMs);
      const ok = httpStatus !== null && httpStatus >= 200 && httpStatus < 300;
      if (!ok) this.logger.warn({ msg: 'single logout not confirmed by wiki', wiki: wiki.id, httpStatus });
      return { wiki: wiki.id, status: ok ? ('ok' as const) : ('failed' as const), httpStatus };
    }));
    return { results };
  }
}
