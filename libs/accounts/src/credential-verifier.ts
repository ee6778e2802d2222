import { Injectable, Logger } from '@nestjs/common';
import type { VerifyContext, VerifyResponse } from '@authbridge/contract';
import { PasswordHasher } from '@authbridge/passwords';
import { UserRepository } from '@authbridge/storage';
import { Clock } from './clock';
import { LoginThrottle } from './login-throttle';
import { canonicalizeUsername } from './username';
import { toUserJson } from './user-json';

/** Answers "is this the user's password?" with the contract's PASS/FAIL outcomes. */
@Injectable()
export class CredentialVerifier {
  private readonly logger = new Logger(CredentialVerifier.name);

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  async verify(rawUsername: string, password: string, context: VerifyContext = {}): Promise<VerifyResponse> {
    const canonical = canonicalizeUsername(rawUsername);
    const username = canonical.ok ? canonical.name : rawUsername.trim();

    const lockedFor = await this.throttle.retryAfterSeconds(username);
    if (lockedFor > 0) return this.fail('THROTTLED', username, context, lockedFor);

    const user = canonical.ok ? await this.users.findByUsername(username) : undefined;
    // Unknown users and users without a password cost a full verification against a dummy hash,
    // so response time does not tell an attacker which names exist.
    const check = await this.hasher.verify(user?.passwordHash ?? (await this.hasher.dummyHash()), password);

    if (!user || !user.passwordHash || !check.ok) {
      const lockSeconds = await this.throttle.recordFailure(username);
      if (lockSeconds > 0) return this.fail('THROTTLED', username, context, lockSeconds);
      return this.fail(user ? 'WRONG_PASSWORD' : 'NO_SUCH_USER', username, context);
    }
    // Disabled is only revealed to someone who knows the password.
    if (user.disabled) return this.fail('ACCOUNT_DISABLED', username, context);

    await this.throttle.recordSuccess(username);
    if (check.needsRehash) {
      const passwordHash = await this.hasher.hash(password);
      await this.users.update(user.username, { passwordHash }, this.clock.now().toISOString());
    }
    this.logger.log({ msg: 'verify', outcome: 'PASS', username: user.username, ip: context.ip, requestId: context.requestId });
    return { result: 'PASS', user: toUserJson(user) };
  }

  private fail(code: 'WRONG_PASSWORD' | 'NO_SUCH_USER' | 'ACCOUNT_DISABLED' | 'THROTTLED', username: string, context: VerifyContext, retryAfterSeconds?: number): VerifyResponse {
    this.logger.log({ msg: 'verify', outcome: code, username, ip: context.ip, requestId: context.requestId });
    return retryAfterSeconds === undefined ? { result: 'FAIL', code } : { result: 'FAIL', code, retryAfterSeconds };
  }
}
