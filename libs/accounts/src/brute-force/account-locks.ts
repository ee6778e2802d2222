import { Injectable } from '@nestjs/common';
import type { AccountLockJson } from '@authbridge/contract';
import { AuditLog, type Actor } from '../audit/audit-log';
import { canonicalizeUsername } from '../username';
import { BruteForceGuard } from './brute-force-guard';

/** Counters of names that cannot exist are keyed by the input as given, cut to the longest name. */
const MAX_COUNTER_NAME = 255;

/** The name the counters of an input are kept under: its canonical form, or the trimmed input. */
export function counterName(input: string): string {
  const canonical = canonicalizeUsername(input);
  return canonical.ok ? canonical.name : input.trim().slice(0, MAX_COUNTER_NAME);
}

/**
 * What administrators do with locks. Any name has counters, existing or not (guesses at
 * unknown names count too), so these never answer USER_NOT_FOUND.
 */
@Injectable()
export class AccountLocks {
  constructor(
    private readonly guard: BruteForceGuard,
    private readonly audit: AuditLog,
  ) {}

  status(username: string): Promise<AccountLockJson> {
    return this.guard.status(counterName(username));
  }

  /** Clears the account's failures from every address; answers the state before, for the caller to show. */
  async clear(username: string, actor: Actor): Promise<AccountLockJson> {
    const name = counterName(username);
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
    return before;
  }
}
