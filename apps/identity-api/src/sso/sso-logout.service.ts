import { Injectable } from '@nestjs/common';
import { AccountsService, type Actor } from '@authbridge/accounts';
import type { SsoLogoutResponse } from '@authbridge/contract';

/** Single logout: the same outbox as account changes (SPEC.md, "The account's life follows the website"). */
@Injectable()
export class SsoLogoutService {
  constructor(private readonly accounts: AccountsService) {}

  /** A wiki that does not answer is reported (and retried later), and does not hold up the others. */
  async logout(username: string, actor: Actor): Promise<SsoLogoutResponse> {
    return { results: await this.accounts.endSessions(username, actor) };
  }
}
