import type { ThrottleSettings } from '@authbridge/config';
import type { AccountLockJson, LockCounterJson } from '@authbridge/contract';
import { BruteForceRepository, type CheckCeiling, type CounterKey, type CounterState, type Gate, type LockRule } from '@authbridge/storage';
import { Clock } from '../clock';
import type { EndUserAddress } from './end-user-address';
import type { KeyedHashes } from './keyed-hashes';

/** The ceiling counts checks per rolling hour in one-minute buckets. */
const CEILING_WINDOW_MS = 3600 * 1000;
const CEILING_BUCKET_MS = 60 * 1000;
/** Known addresses kept per account, most recent first (a phone, home, work, a few networks more). */
export const KNOWN_ADDRESSES_KEPT = 10;

export const THROTTLE_SETTINGS = Symbol('THROTTLE_SETTINGS');

/** A lock that a failure has just set, for the audit log. */
export interface NewLock {
  counter: 'ACCOUNT' | 'ACCOUNT_ADDRESS' | 'ADDRESS';
  seconds: number;
}

/** The outcome of a failed check: how long this address must now wait (0: not locked), and what locked. */
export interface FailureResult {
  retryAfterSeconds: number;
  newLocks: NewLock[];
}

/** An attempt that passed the gates; the caller reports how the password check went. */
export interface Attempt {
  /** `remember`: the login goes on (not a disabled account), so its address becomes known to the account. */
  succeeded(options?: { remember: boolean }): Promise<void>;
  failed(): Promise<FailureResult>;
}

/** `ACCOUNT_CHECKS`: the account-wide ceiling refused it; `LOCK`: a failure counter's lock did. */
export type AttemptDecision = { allowed: true; attempt: Attempt } | { allowed: false; retryAfterSeconds: number; refusedBy: 'ACCOUNT_CHECKS' | 'LOCK' };

/**
 * Brute-force protection after Keycloak's temporary lockout and NIST SP 800-63B 5.2.2, with three
 * counters (SPEC.md, "Brute-force protection"). Every counter lives in the store, so all API
 * instances share them, and every change is one atomic SQL statement.
 */
export class BruteForceGuard {
  constructor(
    private readonly counters: BruteForceRepository,
    private readonly clock: Clock,
    private readonly settings: ThrottleSettings,
    private readonly keyed: KeyedHashes,
  ) {}

  /**
   * Counts the attempt against the address and the account-from-this-address counters before any
   * hashing, and refuses it when one is locked, or when the account is locked and this address has
   * failed against it before. A fresh address still gets through an account lock: that is how the
   * owner logs in while someone else is guessing.
   *
   * Then the account-wide ceiling: at most `accountChecksPerHour` checks of the name in any rolling
   * hour from all addresses together, so ever-new addresses (a botnet, IPv6 /48s) cannot buy more
   * checks. An address the account logged in from before (forwarded by the client, within
   * `knownAddressDays`) is not held by the ceiling, so the owner keeps access while it is full.
   */
  async begin(username: string, address: EndUserAddress): Promise<AttemptDecision> {
    const now = this.clock.now().getTime();
    const account = accountKey(username);
    const pair: CounterKey = { kind: 'account-address', username, address: address.key };
    const perAddress: CounterKey | undefined = address.isCallersOwn ? undefined : { kind: 'address', username: '', address: address.key };
    const gates: Gate[] = [];
    if (perAddress) gates.push({ key: perAddress, rule: this.rule(this.settings.addressMaxFailures) });
    gates.push({ key: pair, rule: this.rule(this.settings.maxFailures), lockedBy: account });
    // Only an address the client vouches for as the end user's can be known: the caller's own
    // address is every end user's, so knowing it would let every guess past the ceiling.
    const addressHash = address.isCallersOwn ? undefined : await this.keyed.address(address.key);
    const known = addressHash !== undefined && (await this.counters.isKnownAddress(username, addressHash, this.knownSince(now)));
    const ceiling = known ? undefined : this.ceiling(username);
    // Read without a row lock first, so a guess at a full or locked account costs SELECTs only.
    const full = ceiling ? (await this.counters.ceilingState(ceiling, now)).fullUntil : 0;
    if (full > now) return { allowed: false, retryAfterSeconds: secondsUntil(full, now), refusedBy: 'ACCOUNT_CHECKS' };
    const refusedUntil = await this.counters.refusedUntil(gates, now);
    if (refusedUntil > now) return { allowed: false, retryAfterSeconds: secondsUntil(refusedUntil, now), refusedBy: 'LOCK' };
    const reservation = await this.counters.reserve(gates, now, ceiling);
    if (!reservation.ok) return { allowed: false, retryAfterSeconds: secondsUntil(reservation.lockedUntil, now), refusedBy: reservation.byCeiling ? 'ACCOUNT_CHECKS' : 'LOCK' };
    const counted = reservation.states;
    return {
      allowed: true,
      attempt: {
        // The owner's own earlier typos from this address stop counting against the account;
        // the failures of other addresses stay (unlike Keycloak, which clears them all).
        succeeded: async ({ remember } = { remember: true }) => {
          const ownFailures = counted[counted.length - 1].failures - 1;
          await this.counters.remove(pair);
          await this.counters.release(account, ownFailures);
          if (perAddress) await this.counters.release(perAddress);
          // The right password was no guess: it gives its place under the ceiling back.
          if (ceiling) await this.counters.releaseCheck(ceiling, now);
          if (addressHash && remember) await this.counters.rememberAddress(username, addressHash, this.clock.now().getTime(), KNOWN_ADDRESSES_KEPT);
        },
        failed: async () => {
          const accountState = await this.counters.count(account, this.rule(this.settings.accountMaxFailures), this.clock.now().getTime());
          return this.failureResult([...counted, accountState], now);
        },
      },
    };
  }

  /** What an administrator sees for a name. */
  async status(username: string): Promise<AccountLockJson> {
    const now = this.clock.now().getTime();
    const windowStart = now - this.settings.windowSeconds * 1000;
    const states = (await this.counters.forUsername(username)).filter((s) => s.lastFailureAt >= windowStart || s.lockedUntil > now);
    const account = states.find((s) => s.kind === 'account');
    const addresses = states.filter((s) => s.kind === 'account-address' && s.failures > 0).map((s) => ({ address: s.address, ...counterJson(s, now) }));
    const accountJson = account ? counterJson(account, now) : { failures: 0, lockedUntil: null, retryAfterSeconds: 0 };
    const ceiling = await this.counters.ceilingState(this.ceiling(username), now);
    const checks = { lastHour: ceiling.checks, limit: this.settings.accountChecksPerHour, retryAfterSeconds: secondsUntil(ceiling.fullUntil, now) };
    const locked = accountJson.retryAfterSeconds > 0 || addresses.some((a) => a.retryAfterSeconds > 0) || checks.retryAfterSeconds > 0;
    return { username, locked, account: accountJson, addresses, checks };
  }

  /** Clears the account's counter and its per-address counters; answers whether there was anything. */
  async clear(username: string): Promise<boolean> {
    return (await this.counters.clearUsername(username)) > 0;
  }

  /** Deletes counters that have had no failure for windowSeconds and hold no lock, ceiling checks out of the window, and expired known addresses. */
  async prune(): Promise<number> {
    const now = this.clock.now().getTime();
    const counters = await this.counters.prune(now - this.settings.windowSeconds * 1000);
    return counters + (await this.counters.pruneCeiling(now - CEILING_WINDOW_MS - CEILING_BUCKET_MS, this.knownSince(now)));
  }

  /** A known address counts while its last success is at or after this (epoch milliseconds). */
  private knownSince(now: number): number {
    return now - this.settings.knownAddressDays * 86400 * 1000;
  }

  /**
   * After a password change or reset: whoever logged in with the old password (the thief of a
   * phished one) no longer passes the ceiling from their address.
   */
  forgetAddresses(username: string): Promise<void> {
    return this.counters.forgetAddresses(username);
  }

  private ceiling(username: string): CheckCeiling {
    return { username, limit: this.settings.accountChecksPerHour, windowMs: CEILING_WINDOW_MS, bucketMs: CEILING_BUCKET_MS };
  }

  private failureResult(states: CounterState[], now: number): FailureResult {
    const newLocks: NewLock[] = [];
    let retryAfterSeconds = 0;
    for (const state of states) {
      const seconds = secondsUntil(state.lockedUntil, now);
      if (seconds === 0) continue;
      newLocks.push({ counter: COUNTER_NAMES[state.kind], seconds });
      // The account lock stops this address too, since it has now failed against the account.
      retryAfterSeconds = Math.max(retryAfterSeconds, seconds);
    }
    return { retryAfterSeconds, newLocks };
  }

  private rule(maxFailures: number): LockRule {
    const { lockSeconds, maxLockSeconds, windowSeconds } = this.settings;
    return { maxFailures, lockSeconds, maxLockSeconds, windowSeconds };
  }
}

const COUNTER_NAMES = { account: 'ACCOUNT', 'account-address': 'ACCOUNT_ADDRESS', address: 'ADDRESS' } as const;

function accountKey(username: string): CounterKey {
  return { kind: 'account', username, address: '' };
}

function counterJson(state: CounterState, now: number): LockCounterJson {
  const retryAfterSeconds = secondsUntil(state.lockedUntil, now);
  return { failures: state.failures, lockedUntil: retryAfterSeconds > 0 ? new Date(state.lockedUntil).toISOString() : null, retryAfterSeconds };
}

function secondsUntil(epochMs: number, now: number): number {
  return Math.max(0, Math.ceil((epochMs - now) / 1000));
}
