import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { AccountChange, AccountState } from '@authbridge/contract';
import { isPostgres, type Db } from './database';

/** An account change, or a single logout (`logout`, no state). */
export type AccountEventKind = AccountChange | 'logout';

export interface NewAccountEvent {
  userId: string;
  username: string;
  change: AccountEventKind;
  state: AccountState | null;
}

/** One delivery of one event to one wiki, as its claimer holds it. */
export interface ClaimedDelivery {
  id: number;
  seq: number;
  wikiId: string;
  /** This attempt included. */
  attempts: number;
  claimToken: string;
  userId: string;
  username: string;
  change: AccountEventKind;
  state: AccountState | null;
  /** When the change was recorded (epoch ms). */
  createdAt: number;
}

export interface DeliveryClaim {
  token: string;
  /** Epoch ms until which nobody else may claim the rows. */
  until: number;
}

export type DeliveryOutcome =
  | { status: 'delivered' | 'abandoned'; httpStatus: number | null; at: number }
  | { status: 'pending'; httpStatus: number | null; at: number; nextAttemptAt: number };

export abstract class AccountEventRepository {
  /**
   * Records the events and one delivery per registered wiki. With `claim`, the deliveries are
   * claimed by the caller (attempt 1, delivered by it at once) and returned; without, they are
   * due now for any poller and nothing is returned.
   */
  abstract record(events: readonly NewAccountEvent[], now: number, claim?: DeliveryClaim): Promise<ClaimedDelivery[]>;
  /** Claims up to `limit` due deliveries; no row is ever claimed by two callers at once. */
  abstract claimDue(now: number, claim: DeliveryClaim, limit: number): Promise<ClaimedDelivery[]>;
  /** Completes an attempt; false when the claim was lost (expired and taken by another instance). */
  abstract finish(id: number, claimToken: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Deletes finished deliveries and their events older than `before`; returns the deliveries deleted. */
  abstract prune(before: number): Promise<number>;
}

@Injectable()
export class KyselyAccountEventRepository extends AccountEventRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async record(events: readonly NewAccountEvent[], now: number, claim?: DeliveryClaim): Promise<ClaimedDelivery[]> {
    const seqs: number[] = [];
    for (const event of events) {
      const row = await this.db
        .insertInto('account_events')
        .values({ user_id: event.userId, username: event.username, change: event.change, state: event.state, created_at: now })
        .returning('seq')
        .executeTakeFirstOrThrow();
      seqs.push(Number(row.seq));
      // One delivery per wiki registered now, in the same transaction as the change.
      await sql`
        insert into account_event_deliveries (seq, wiki_id, status, attempts, next_attempt_at, claim_token)
        select ${row.seq}, id, 'pending', ${claim ? 1 : 0}, ${claim ? claim.until : now}, ${claim?.token ?? null} from sso_wikis`.execute(this.db);
    }
    if (!claim || seqs.length === 0) return [];
    return this.claimed(claim.token, seqs);
  }

  async claimDue(now: number, claim: DeliveryClaim, limit: number): Promise<ClaimedDelivery[]> {
    // SKIP LOCKED: instances polling together each take other rows instead of queueing behind
    // one another; the outer condition is re-checked after the row lock, so no row goes twice.
    // SQLite has one writer at a time, which gives the same guarantee.
    // A read first: the poll of an idle outbox (every second, every instance) takes no write lock.
    const due = await this.db.selectFrom('account_event_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now).limit(1).executeTakeFirst();
    if (!due) return [];
    const skipLocked = isPostgres(this.db) ? sql`for update skip locked` : sql``;
    const rows = await sql<{ seq: number }>`
      update account_event_deliveries
      set claim_token = ${claim.token}, next_attempt_at = ${claim.until}, attempts = attempts + 1
      where id in (
        select id from account_event_deliveries
        where status = 'pending' and next_attempt_at <= ${now}
        order by next_attempt_at, id limit ${limit} ${skipLocked})
      and status = 'pending' and next_attempt_at <= ${now}
      returning seq`.execute(this.db);
    if (rows.rows.length === 0) return [];
    return this.claimed(claim.token, [...new Set(rows.rows.map((r) => Number(r.seq)))]);
  }

  async finish(id: number, claimToken: string, outcome: DeliveryOutcome): Promise<boolean> {
    const result = await this.db
      .updateTable('account_event_deliveries')
      .set({
        status: outcome.status,
        last_http_status: outcome.httpStatus,
        claim_token: null,
        ...(outcome.status === 'pending' ? { next_attempt_at: outcome.nextAttemptAt } : { completed_at: outcome.at }),
      })
      .where('id', '=', id)
      .where('claim_token', '=', claimToken)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async prune(before: number): Promise<number> {
    const deleted = await this.db
      .deleteFrom('account_event_deliveries')
      .where('status', '!=', 'pending')
      .where('completed_at', '<', before)
      .executeTakeFirst();
    await this.db
      .deleteFrom('account_events')
      .where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('account_event_deliveries as d').select('d.id').whereRef('d.seq', '=', 'account_events.seq'))))
      .execute();
    return Number(deleted.numDeletedRows);
  }

  private async claimed(token: string, seqs: number[]): Promise<ClaimedDelivery[]> {
    const rows = await this.db
      .selectFrom('account_event_deliveries as d')
      .innerJoin('account_events as e', 'e.seq', 'd.seq')
      .select(['d.id', 'd.seq', 'd.wiki_id', 'd.attempts', 'e.user_id', 'e.username', 'e.change', 'e.state', 'e.created_at'])
      .where('d.claim_token', '=', token)
      .where('d.seq', 'in', seqs)
      .orderBy('d.seq')
      .orderBy('d.wiki_id')
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      seq: Number(r.seq),
      wikiId: r.wiki_id,
      attempts: r.attempts,
      claimToken: token,
      userId: r.user_id,
      username: r.username,
      change: r.change as AccountEventKind,
      state: r.state as AccountState | null,
      createdAt: Number(r.created_at),
    }));
  }
}
