import { Injectable } from '@nestjs/common';
import type { VerifyContext, VerifyFailCode, VerifyResponse } from '@authbridge/contract';
import { DomainError } from '@authbridge/contract';
import { AuditLog } from './audit/audit-log';
import { BruteForceGuard, type FailureResult } from './brute-force/brute-force-guard';
import { endUserAddress, type Caller, type EndUserAddress } from './brute-force/end-user-address';
import { KeyedHashes } from './brute-force/keyed-hashes';
import { Metrics } from './metrics/metrics';
import { UserDirectory } from './sources/user-directory';
import { toUserJson } from './user-json';

/** The CLI and tests call without a client or a socket. */
export const LOCAL_CALLER: Caller = { clientId: null, forwardsEndUserAddress: false, socketAddress: '127.0.0.1' };

/** Answers "is this the user's password?" with the contract's PASS/FAIL outcomes. */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly directory: UserDirectory,
    private readonly guard: BruteForceGuard,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
    private readonly keyed: KeyedHashes,
  ) {}

  async verify(rawUsername: string, password: string, context: VerifyContext = {}, caller: Caller = LOCAL_CALLER): Promise<VerifyResponse> {
    const address = endUserAddress(caller, context.ip);
    let login;
    try {
      // With a user source this reads the website's account, so the counters below are keyed
      // on its wiki name whether the person typed the login or the email.
      login = await this.directory.beginLogin(rawUsername);
    } catch (error) {
      // The source is down or its row unusable: no password was checked, nothing is counted.
      // Whether the name is a user's is not known here, so it is kept as a pseudonym.
      if (error instanceof DomainError) await this.audit.record(this.entry({ username: await this.keyed.pseudonym(rawUsername), address, caller, context }, error.code, false));
      throw error;
    }
    // A name that is no user is counted and audited under its pseudonym: it may be a password.
    const counted = await this.keyed.countedName(login, rawUsername);
    const outcome = { username: counted, address, caller, context };

    const decision = await this.guard.begin(counted, address);
    if (!decision.allowed) return this.answer(outcome, { code: 'THROTTLED', retryAfterSeconds: decision.retryAfterSeconds, refusedBy: decision.refusedBy }, false);

    const started = performance.now();
    const check = await login.check(password);
    this.metrics.passwordChecked((performance.now() - started) / 1000);
    if (check.outcome !== 'PASS') {
      const failure = await decision.attempt.failed();
      await this.recordLocks(outcome, failure);
      if (failure.retryAfterSeconds > 0) return this.answer(outcome, { code: 'THROTTLED', retryAfterSeconds: failure.retryAfterSeconds }, true);
      return this.answer(outcome, { code: check.outcome }, true);
    }
    // The right password is not a guess, even for a disabled account: it clears this address's failures.
    await decision.attempt.succeeded({ remember: !check.user.disabled });
    // Disabled is only revealed to someone who knows the password.
    if (check.user.disabled) return this.answer(outcome, { code: 'ACCOUNT_DISABLED' }, true);

    await this.audit.record(this.entry(outcome, 'PASS', true));
    return { result: 'PASS', user: toUserJson(check.user) };
  }

  private async answer(outcome: Outcome, fail: { code: VerifyFailCode; retryAfterSeconds?: number; refusedBy?: string }, passwordChecked: boolean): Promise<VerifyResponse> {
    const entry = this.entry(outcome, fail.code, passwordChecked);
    if (fail.retryAfterSeconds !== undefined) entry.detail.retryAfterSeconds = fail.retryAfterSeconds;
    // Which limit refused it, for the administrator reading the log: a lock, or the account-wide ceiling.
    if (fail.refusedBy !== undefined) entry.detail.refusedBy = fail.refusedBy;
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
