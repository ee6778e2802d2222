import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import type { Db } from './database';
import type { Database } from './schema';

/** `account`: one name, all addresses; `account-address`: one name from one address; `address`: one address, all names. */
export type CounterKind = 'account' | 'account-address' | 'address';

export interface CounterKey {
  kind: CounterKind;
  /** The canonical name (or the trimmed input when it cannot be one); '' for `address`. */
  username: string;
  /** The end user's address; '' for `account`. */
  address: string;
}

/** Keycloak's temporary lockout: at `maxFailures` and beyond, lock for lockSeconds × ⌊failures / maxFailures⌋. */
export interface LockRule {
  maxFailures: number;
  lockSeconds: number;
  maxLockSeconds: number;
  /** A counter whose last failure is older than this starts again at 1. */
  windowSeconds: number;
}

export interface CounterState extends CounterKey {
  failures: number;
  lastFailureAt: number;
  /** Epoch milliseconds; 0 or a past time when not locked. */
  lockedUntil: number;
}

/** A counter an attempt must pass, counted in the same step. */
export interface Gate {
  key: CounterKey;
  rule: LockRule;
  /** Also refuse when this counter already has failures and `lockedBy` is locked (the account lock). */
  lockedBy?: CounterKey;
}

/** `byCeiling`: the account-wide ceiling refused it, not a counter's lock. */
export type Reservation = { ok: true; states: CounterState[] } | { ok: false; lockedUntil: number; byCeiling: boolean };

/**
 * The account-wide ceiling: at most `limit` password checks of one name in any `windowMs`, from
 * all addresses together, counted in buckets of `bucketMs`. A bucket counts while any part of it
 * can lie in the window (so a check leaves the sum `windowMs + bucketMs` after its bucket began),
 * which keeps every rolling window at or under the limit, never "about" it.
 */
export interface CheckCeiling {
  username: string;
  limit: number;
  windowMs: number;
  bucketMs: number;
}

/** The checks a name has in the ceiling's window now, and when the next one would be let through. */
export interface CeilingState {
  checks: number;
  /** Epoch milliseconds; 0 when a check is let through now. */
  fullUntil: number;
}

export abstract class BruteForceRepository {
  /**
   * Counts one attempt on every gate, in one transaction, or none of them when a gate refuses.
   * Counting before the password is checked is what keeps concurrent guesses within the limits.
   */
  abstract reserve(gates: Gate[], now: number, ceiling?: CheckCeiling): Promise<Reservation>;
  /**
   * The lock that would refuse these gates now (0: none), read without taking any row lock, so
   * an attack on a locked account costs one SELECT per guess instead of a transaction that
   * queues behind the others on the same row. `reserve` decides for the attempts that pass.
   */
  abstract refusedUntil(gates: Gate[], now: number): Promise<number>;
  /** Takes back the check `reserve` counted at `countedAt` under the ceiling (it was the owner's). */
  abstract releaseCheck(ceiling: CheckCeiling, countedAt: number): Promise<void>;
  abstract ceilingState(ceiling: CheckCeiling, now: number): Promise<CeilingState>;
  /** Whether `username` logged in from the address with this keyed hash at or after `since`. */
  abstract isKnownAddress(username: string, addressHash: string, since: number): Promise<boolean>;
  /** Records a successful login from the address; keeps the `keep` most recent addresses of the name. */
  abstract rememberAddress(username: string, addressHash: string, now: number, keep: number): Promise<void>;
  /** Forgets every known address of the name (its password changed). */
  abstract forgetAddresses(username: string): Promise<void>;
  /** Counts one failure atomically and returns the counter with the lock it now has. */
  abstract count(key: CounterKey, rule: LockRule, now: number): Promise<CounterState>;
  /** Takes back `by` counted failures (they turned out to be the owner's), never below zero. */
  abstract release(key: CounterKey, by?: number): Promise<void>;
  abstract remove(key: CounterKey): Promise<void>;
  abstract get(key: CounterKey): Promise<CounterState | undefined>;
  /** The account counter and every account-address counter of a name. */
  abstract forUsername(username: string): Promise<CounterState[]>;
  /** Deletes the counters `forUsername` returns and the name's ceiling checks; answers how many counters there were. */
  abstract clearUsername(username: string): Promise<number>;
  /** Deletes counters whose last failure is older than `before` (they would start again anyway). */
  abstract prune(before: number): Promise<number>;
  /** Deletes ceiling buckets that began before `bucketsBefore` and known addresses last used before `knownBefore`. */
  abstract pruneCeiling(bucketsBefore: number, knownBefore: number): Promise<number>;
}

class Refused extends Error {
  constructor(
    readonly lockedUntil: number,
    readonly byCeiling = false,
  ) {
    super('refused');
  }
}

interface Row {
  kind: string;
  username: string;
  address: string;
  failures: number | string;
  last_failure_at: number | string;
  locked_until: number | string;
}

function toState(row: Row): CounterState {
  return {
    kind: row.kind as CounterKind,
    username: row.username,
    address: row.address,
    failures: Number(row.failures),
    lastFailureAt: Number(row.last_failure_at),
    lockedUntil: Number(row.locked_until),
  };
}

const big = (value: number) => sql`cast(${value} as bigint)`;

/**
 * The counter after one more failure, and the lock that goes with it, as SQL over the stored row.
 * Integer division and CASE behave the same on SQLite and PostgreSQL.
 */
function nextFailures(rule: LockRule, now: number) {
  const resetBefore = now - rule.windowSeconds * 1000;
  return sql`case when brute_force_counters.last_failure_at < ${big(resetBefore)} then 1 else brute_force_counters.failures + 1 end`;
}

function lockFor(failures: ReturnType<typeof sql> | number, rule: LockRule, now: number) {
  const steps = sql`((${failures}) / ${big(rule.maxFailures)})`;
  const seconds = sql`case when ${big(rule.lockSeconds)} * ${steps} > ${big(rule.maxLockSeconds)} then ${big(rule.maxLockSeconds)} else ${big(rule.lockSeconds)} * ${steps} end`;
  return sql`case when (${failures}) >= ${big(rule.maxFailures)} then ${big(now)} + (${seconds}) * 1000 else 0 end`;
}

/**
 * One failure more on a counter, in one statement (no read-modify-write, so concurrent
 * failures are never lost). `onlyWhen` may veto the update of an existing row, which is then
 * not returned.
 */
function upsertFailure(executor: Kysely<Database>, key: CounterKey, rule: LockRule, now: number, onlyWhen = sql``) {
  const failures = nextFailures(rule, now);
  return sql<Row>`
    insert into brute_force_counters (kind, username, address, failures, last_failure_at, locked_until)
    values (${key.kind}, ${key.username}, ${key.address}, 1, ${big(now)}, ${lockFor(1, rule, now)})
    on conflict (kind, username, address) do update set
      failures = ${failures},
      last_failure_at = ${big(now)},
      locked_until = ${lockFor(failures, rule, now)}
    ${onlyWhen}
    returning kind, username, address, failures, last_failure_at, locked_until`.execute(executor);
}

function bucketStart(now: number, bucketMs: number): number {
  return now - (now % bucketMs);
}

/** The buckets of a name that still count at `now`, oldest first. */
function bucketsInWindow(executor: Kysely<Database>, c: CheckCeiling, now: number) {
  return executor
    .selectFrom('account_check_buckets')
    .select(['bucket_start', 'checks'])
    .where('username', '=', c.username)
    .where('bucket_start', '>', now - c.windowMs - c.bucketMs)
    .orderBy('bucket_start')
    .execute();
}

/** The ceiling's state from its buckets: full until enough of the oldest ones have left the window. */
function ceilingOf(rows: Array<{ bucket_start: number | string; checks: number | string }>, c: CheckCeiling): CeilingState {
  const checks = rows.reduce((sum, r) => sum + Number(r.checks), 0);
  let remaining = checks;
  for (const row of rows) {
    if (remaining < c.limit) break;
    remaining -= Number(row.checks);
    if (remaining < c.limit) return { checks, fullUntil: Number(row.bucket_start) + c.windowMs + c.bucketMs };
  }
  return { checks, fullUntil: 0 };
}

function findCounter(executor: Kysely<Database>, key: CounterKey) {
  return executor.selectFrom('brute_force_counters').selectAll().where('kind', '=', key.kind).where('username', '=', key.username).where('address', '=', key.address).executeTakeFirst();
}

@Injectable()
export class KyselyBruteForceRepository extends BruteForceRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async reserve(gates: Gate[], now: number, ceiling?: CheckCeiling): Promise<Reservation> {
    try {
      const states = await this.db.transaction().execute(async (trx) => {
        if (ceiling) await this.takeCheck(trx, ceiling, now);
        const counted: CounterState[] = [];
        for (const gate of gates) counted.push(await this.pass(trx, gate, now));
        return counted;
      });
      return { ok: true, states };
    } catch (error) {
      if (error instanceof Refused) return { ok: false, lockedUntil: error.lockedUntil, byCeiling: error.byCeiling };
      throw error;
    }
  }

  /**
   * One check under the ceiling, or Refused. The upsert of the name's head row is what serialises
   * concurrent checks of one name (on PostgreSQL it holds the row lock until commit; SQLite has one
   * writer), so the sum read next includes every check committed before, on any instance.
   */
  private async takeCheck(trx: Transaction<Database>, c: CheckCeiling, now: number): Promise<void> {
    await sql`insert into account_check_heads (username, last_check_at) values (${c.username}, ${big(now)})
      on conflict (username) do update set last_check_at = excluded.last_check_at`.execute(trx);
    const state = ceilingOf(await bucketsInWindow(trx, c, now), c);
    if (state.fullUntil > now) throw new Refused(state.fullUntil, true);
    await sql`insert into account_check_buckets (username, bucket_start, checks) values (${c.username}, ${big(bucketStart(now, c.bucketMs))}, 1)
      on conflict (username, bucket_start) do update set checks = account_check_buckets.checks + 1`.execute(trx);
  }

  async releaseCheck(c: CheckCeiling, countedAt: number): Promise<void> {
    await this.db
      .updateTable('account_check_buckets')
      .set({ checks: sql`case when checks > 0 then checks - 1 else 0 end` })
      .where('username', '=', c.username)
      .where('bucket_start', '=', bucketStart(countedAt, c.bucketMs))
      .execute();
  }

  async ceilingState(c: CheckCeiling, now: number): Promise<CeilingState> {
    return ceilingOf(await bucketsInWindow(this.db, c, now), c);
  }

  async isKnownAddress(username: string, addressHash: string, since: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('known_addresses')
      .select('last_success_at')
      .where('username', '=', username)
      .where('address_hash', '=', addressHash)
      .where('last_success_at', '>=', since)
      .executeTakeFirst();
    return row !== undefined;
  }

  async rememberAddress(username: string, addressHash: string, now: number, keep: number): Promise<void> {
    await sql`insert into known_addresses (username, address_hash, last_success_at) values (${username}, ${addressHash}, ${big(now)})
      on conflict (username, address_hash) do update set last_success_at = excluded.last_success_at`.execute(this.db);
    // The most recent `keep` stay: an attacker who once knew the password cannot fill the list
    // with addresses of their own for ever, and the list never grows without bound.
    await sql`delete from known_addresses where username = ${username} and address_hash not in (
      select address_hash from known_addresses where username = ${username} order by last_success_at desc, address_hash limit ${keep})`.execute(this.db);
  }

  async forgetAddresses(username: string): Promise<void> {
    await this.db.deleteFrom('known_addresses').where('username', '=', username).execute();
  }

  async pruneCeiling(bucketsBefore: number, knownBefore: number): Promise<number> {
    const buckets = await this.db.deleteFrom('account_check_buckets').where('bucket_start', '<', bucketsBefore).executeTakeFirst();
    const heads = await this.db.deleteFrom('account_check_heads').where('last_check_at', '<', bucketsBefore).executeTakeFirst();
    const known = await this.db.deleteFrom('known_addresses').where('last_success_at', '<', knownBefore).executeTakeFirst();
    return Number(buckets.numDeletedRows) + Number(heads.numDeletedRows) + Number(known.numDeletedRows);
  }

  async refusedUntil(gates: Gate[], now: number): Promise<number> {
    const keys = gates.flatMap((g) => (g.lockedBy ? [g.key, g.lockedBy] : [g.key]));
    const rows = await this.db
      .selectFrom('brute_force_counters')
      .selectAll()
      .where((eb) => eb.or(keys.map((k) => eb.and([eb('kind', '=', k.kind), eb('username', '=', k.username), eb('address', '=', k.address)]))))
      .execute();
    const find = (k: CounterKey) => rows.map(toState).find((r) => r.kind === k.kind && r.username === k.username && r.address === k.address);
    let until = 0;
    for (const gate of gates) {
      const own = find(gate.key);
      if (own && own.lockedUntil > now) until = Math.max(until, own.lockedUntil);
      const holder = gate.lockedBy && find(gate.lockedBy);
      const ownFailuresCount = own !== undefined && own.failures > 0 && own.lastFailureAt >= now - gate.rule.windowSeconds * 1000;
      if (holder && ownFailuresCount && holder.lockedUntil > now) until = Math.max(until, holder.lockedUntil);
    }
    return until;
  }

  /** One upsert: a new counter starts at 1; an existing one counts only while unlocked. */
  private async pass(trx: Transaction<Database>, { key, rule, lockedBy }: Gate, now: number): Promise<CounterState> {
    const resetBefore = now - rule.windowSeconds * 1000;
    const accountLocked = lockedBy
      ? sql`and not (brute_force_counters.failures > 0 and brute_force_counters.last_failure_at >= ${big(resetBefore)} and exists (
          select 1 from brute_force_counters l
          where l.kind = ${lockedBy.kind} and l.username = ${lockedBy.username} and l.address = ${lockedBy.address} and l.locked_until > ${big(now)}))`
      : sql``;
    const { rows } = await upsertFailure(trx, key, rule, now, sql`where brute_force_counters.locked_until <= ${big(now)} ${accountLocked}`);
    if (rows.length) return toState(rows[0]);
    const own = await findCounter(trx, key);
    const holder = lockedBy && (await findCounter(trx, lockedBy));
    throw new Refused(Math.max(Number(own?.locked_until ?? 0), Number(holder?.locked_until ?? 0)));
  }

  async count(key: CounterKey, rule: LockRule, now: number): Promise<CounterState> {
    const { rows } = await upsertFailure(this.db, key, rule, now);
    return toState(rows[0]);
  }

  async release(key: CounterKey, by = 1): Promise<void> {
    if (by <= 0) return;
    await this.db
      .updateTable('brute_force_counters')
      .set({ failures: sql`case when failures > ${big(by)} then failures - ${big(by)} else 0 end` })
      .where('kind', '=', key.kind).where('username', '=', key.username).where('address', '=', key.address)
      .execute();
  }

  async remove(key: CounterKey): Promise<void> {
    await this.db.deleteFrom('brute_force_counters').where('kind', '=', key.kind).where('username', '=', key.username).where('address', '=', key.address).execute();
  }

  async get(key: CounterKey): Promise<CounterState | undefined> {
    const row = await findCounter(this.db, key);
    return row && toState(row);
  }

  async forUsername(username: string): Promise<CounterState[]> {
    const rows = await this.db
      .selectFrom('brute_force_counters')
      .selectAll()
      .where('username', '=', username)
      .where('kind', 'in', ['account', 'account-address'])
      .orderBy('kind')
      .orderBy('address')
      .execute();
    return rows.map(toState);
  }

  async clearUsername(username: string): Promise<number> {
    await this.db.deleteFrom('account_check_buckets').where('username', '=', username).execute();
    const result = await this.db.deleteFrom('brute_force_counters').where('username', '=', username).where('kind', 'in', ['account', 'account-address']).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom('brute_force_counters').where('last_failure_at', '<', before).where('locked_until', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
