import { Injectable } from '@nestjs/common';
import type { AccountLockJson } from '@authbridge/contract';
import { AuditLog, type Actor } from '../audit/audit-log';
import { UserDirectory } from '../sources/user-directory';
import { BruteForceGuard } from './brute-force-guard';
import { counterName } from './counter-name';
import { KeyedHashes } from './keyed-hashes';

export { counterName } from './counter-name';

/**
 * What administrators do with locks. Any name has counters, existing or not (guesses at
 * unknown names count too), so these never answer USER_NOT_FOUND. A name that is no user is
 * counted under its pseudonym, as the password check counted it.
 */
@Injectable()
export class AccountLocks {
  constructor(
    private readonly guard: BruteForceGuard,
    private readonly audit: AuditLog,
    private readonly directory: UserDirectory,
    private readonly keyed: KeyedHashes,
  ) {}

  async status(username: string): Promise<AccountLockJson> {
    // The answer names what the administrator typed (it is theirs), never the pseudonym.
    return { ...(await this.guard.status(await this.countedName(username))), username: counterName(username) };
  }

  /** Clears the account's failures from every address; answers the state before, for the caller to show. */
  async clear(username: string, actor: Actor): Promise<AccountLockJson> {
    const name = await this.countedName(username);
    const before = await this.guard.status(name);
    await this.guard.clear(name);
    await this.audit.record({
      event: 'unlock',
      outcome: 'OK',
      username: name,
      clientId: actor.clientId,
      address: actor.address ?? null,
      detail: { wasLocked: before.locked, failures: before.account.failures, addresses: before.addresses.length, ...(actor.clientId === null ? { via: 'cli' } : {}) },
    });
    return { ...before, username: counterName(username) };
  }

  /**
   * The name the counters of a typed name are under, resolved as the password check resolves it
   * (with a user source also the website login or email), so both meet the same counters.
   */
  private async countedName(typed: string): Promise<string> {
    return this.keyed.countedName(await this.directory.beginLogin(typed), typed);
  }
}
