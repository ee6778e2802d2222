import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Db } from './database';
import type { ThrottleState } from './records';

export interface FailurePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export abstract class ThrottleRepository {
  abstract get(subject: string): Promise<ThrottleState | undefined>;
  /** Counts one failure atomically and locks the subject when the policy says so. */
  abstract recordFailure(subject: string, now: Date, policy: FailurePolicy): Promise<ThrottleState>;
  abstract clear(subject: string): Promise<void>;
}

@Injectable()
export class KyselyThrottleRepository extends ThrottleRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async get(subject: string): Promise<ThrottleState | undefined> {
    const row = await this.db.selectFrom('login_throttle').selectAll().where('subject', '=', subject).executeTakeFirst();
    return row && { failures: row.failures, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until };
  }

  async recordFailure(subject: string, now: Date, policy: FailurePolicy): Promise<ThrottleState> {
    const nowIso = now.toISOString();
    const windowStart = new Date(now.getTime() - policy.windowSeconds * 1000).toISOString();
    // One statement, so concurrent failures are never lost: an old window starts again at 1.
    await this.db
      .insertInto('login_throttle')
      .values({ subject, failures: 1, window_started_at: nowIso, locked_until: null })
      .onConflict((oc) =>
        oc.column('subject').doUpdateSet({
          failures: sql<number>`case when login_throttle.window_started_at < ${windowStart} then 1 else login_throttle.failures + 1 end`,
          window_started_at: sql<string>`case when login_throttle.window_started_at < ${windowStart} then ${nowIso} else login_throttle.window_started_at end`,
        }),
      )
      .execute();
    const lockedUntil = new Date(now.getTime() + policy.lockSeconds * 1000).toISOString();
    await this.db
      .updateTable('login_throttle')
      .set({ locked_until: lockedUntil, failures: 0, window_started_at: nowIso })
      .where('subject', '=', subject)
      .where('failures', '>=', policy.maxFailures)
      .execute();
    return (await this.get(subject))!;
  }

  async clear(subject: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('subject', '=', subject).execute();
  }
}
