import { Injectable } from '@nestjs/common';
import type { VerifyContext, VerifyFailCode, VerifyResponse } from '@authbridge/contract';
import { PasswordHasher } from '@authbridge/passwords';
import { UserRepository } from '@authbridge/storage';
import { AuditLog } from './audit/audit-log';
import { counterName } from './brute-force/account-locks';
import { BruteForceGuard, type FailureResult } from './brute-force/brute-force-guard';
import { endUserAddress, type Caller, type EndUserAddress } from './brute-force/end-user-address';
import { Clock } from './clock';
import { canonicalizeUsername } from './username';
import { toUserJson } from './user-json';

/** The CLI and tests call without a client or a socket. */
export const LOCAL_CALLER: Caller = { clientId: null, forwardsEndUserAddress: false, socketAddress: '127.0.0.1' };

/** Answers "is this the user's password?" with the contract's PASS/FAIL outcomes. */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async verify(rawUsername: string, password: string, context: VerifyContext = {}, caller: Caller = LOCAL_CALLER): Promise<VerifyResponse> {
    const canonical = canonicalizeUsername(rawUsername);
    const username = canonical.ok ? canonical.name : counterName(rawUsername);
    const address = endUserAddress(caller, context.ip);
    const outcome = { username, address, caller, context };

    const decision = await this.guard.begin(username, address);
    if (!decision.allowed) return this.answer(outcome, { code: 'THROTTLED', retryAfterSeconds: decision.retryAfterSeconds }, false);

    const user = canonical.ok ? await this.users.findByUsername(username) : undefined;
    // Unknown users and users without a password cost a full verification against a dummy hash,
    // so response time does not tell an attacker which names exist.
    const check = await this.hasher.verify(user?.passwordHash ?? (await this.hasher.dummyHash()), password);

    if (!user || !user.passwordHash || !check.ok) {
      const failure = await decision.attempt.failed();
      await this.recordLocks(outcome, failure);
      if (failure.retryAfterSeconds > 0) return this.answer(outcome, { code: 'THROTTLED', retryAfterSeconds: failure.retryAfterSeconds }, true);
      return this.answer(outcome, { code: user ? 'WRONG_PASSWORD' : 'NO_SUCH_USER' }, true);
    }
    // The right password is not a guess, even for a disabled account: it clears this address's failures.
    await decision.attempt.succeeded();
    // Disabled is only revealed to someone who knows the password.
    if (user.disabled) return this.answer(outcome, { code: 'ACCOUNT_DISABLED' }, true);

    if (check.needsRehash) {
      const passwordHash = await this.hasher.hash(password);
      await this.users.update(user.username, { passwordHash }, this.clock.now().toISOString());
    }
    await this.audit.record(this.entry(outcome, 'PASS', true));
    return { result: 'PASS', user: toUserJson(user) };
  }

  private async answer(outcome: Outcome, fail: { code: VerifyFailCode; retryAfterSeconds?: number }, passwordChecked: boolean): Promise<VerifyResponse> {
    const entry = this.entry(outcome, fail.code, passwordChecked);
    if (fail.retryAfterSeconds !== undefined) entry.detail.retryAfterSeconds = fail.retryAfterSeconds;
    await this.audit.record(entry);
    return fail.retryAfterSeconds === undefined ? { result: 'FAIL', code: fail.code } : { result: 'FAIL', code: fail.code, retryAfterSeconds: fail.retryAfterSeconds };
  }

  private async recordLocks(outcome: Outcome, failure: FailureResult): Promise<void> {
    for (const lock of failure.newLocks) {
      await this.audit.record({ ...this.entry(outcome, lock.counter, false), event: 'lock', detail: { lockedSeconds: lock.seconds } });
    }
  }

  private entry({ username, address, caller, context }: Outcome, result: string, passwordChecked: boolean) {
    const detail: Record<string, unknown> = { addressSource: address.isCallersOwn ? 'caller' : 'context' };
    if (context.requestId) detail.requestId = context.requestId;
    return { event: 'verify' as const, outcome: result, username, clientId: caller.clientId, address: address.address, passwordChecked, detail };
  }
}

interface Outcome {
  username: string;
  address: EndUserAddress;
  caller: Caller;
  context: VerifyContext;
}
