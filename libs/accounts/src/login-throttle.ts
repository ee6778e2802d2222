import { Injectable } from '@nestjs/common';
import { ThrottleRepository, type FailurePolicy } from '@authbridge/storage';
import { Clock } from './clock';

export const THROTTLE_POLICY = Symbol('THROTTLE_POLICY');

/** Per-account lock after repeated failures; kept in the store so every API instance agrees. */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly repository: ThrottleRepository,
    private readonly clock: Clock,
    private readonly policy: FailurePolicy,
  ) {}

  /** Seconds until the account may try again, or 0 when it is not locked. */
  async retryAfterSeconds(username: string): Promise<number> {
    const state = await this.repository.get(subject(username));
    if (!state?.lockedUntil) return 0;
    return secondsUntil(state.lockedUntil, this.clock.now());
  }

  /** Counts a failure; returns the lock's remaining seconds when this failure locked the account. */
  async recordFailure(username: string): Promise<number> {
    const now = this.clock.now();
    const state = await this.repository.recordFailure(subject(username), now, this.policy);
    return state.lockedUntil ? secondsUntil(state.lockedUntil, now) : 0;
  }

  async recordSuccess(username: string): Promise<void> {
    await this.repository.clear(subject(username));
  }
}

function subject(username: string): string {
  return `user:${username}`;
}

function secondsUntil(iso: string, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now.getTime()) / 1000));
}
