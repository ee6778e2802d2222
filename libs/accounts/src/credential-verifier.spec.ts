import type { FailurePolicy, ThrottleState, UserChanges, UserRecord } from '@authbridge/storage';
import { ThrottleRepository, UserRepository } from '@authbridge/storage';
import { PasswordHasher, type PasswordCheck } from '@authbridge/passwords';
import { Clock } from './clock';
import { CredentialVerifier } from './credential-verifier';
import { LoginThrottle } from './login-throttle';

/** Records every verification so a test can see which hash an answer was computed from. */
class RecordingHasher extends PasswordHasher {
  readonly verified: string[] = [];
  readonly dummy = '$argon2id$dummy';
  async hash(password: string) { return `hash(${password})`; }
  async verify(hash: string, password: string): Promise<PasswordCheck> {
    this.verified.push(hash);
    return { ok: hash === `hash(${password})`, needsRehash: false };
  }
  async dummyHash() { return this.dummy; }
}

class MemoryUsers extends UserRepository {
  constructor(readonly rows: UserRecord[]) { super(); }
  async findByUsername(username: string) { return this.rows.find((u) => u.username === username); }
  async list() { return this.rows; }
  async insert(user: UserRecord) { this.rows.push(user); return true; }
  async update(username: string, changes: UserChanges) {
    const row = this.rows.find((u) => u.username === username);
    if (row) Object.assign(row, changes);
    return row;
  }
}

class MemoryThrottle extends ThrottleRepository {
  readonly states = new Map<string, ThrottleState>();
  async get(subject: string) { return this.states.get(subject); }
  async recordFailure(subject: string, now: Date, policy: FailurePolicy) {
    const state = this.states.get(subject) ?? { failures: 0, windowStartedAt: now.toISOString(), lockedUntil: null };
    state.failures++;
    if (state.failures >= policy.maxFailures) state.lockedUntil = new Date(now.getTime() + policy.lockSeconds * 1000).toISOString();
    this.states.set(subject, state);
    return state;
  }
  async clear(subject: string) { this.states.delete(subject); }
}

class FixedClock extends Clock {
  now() { return new Date('2026-11-28T12:00:00Z'); }
}

function user(username: string, password: string | null): UserRecord {
  return { id: `id-${username}`, username, realName: '', email: null, emailVerified: false, groups: [], disabled: false, passwordHash: password && `hash(${password})`, createdAt: '', updatedAt: '' };
}

describe('CredentialVerifier', () => {
  let hasher: RecordingHasher;
  let verifier: CredentialVerifier;

  beforeEach(() => {
    hasher = new RecordingHasher();
    const users = new MemoryUsers([user('Known', 'right password'), user('Nopass', null)]);
    const throttle = new LoginThrottle(new MemoryThrottle(), new FixedClock(), { maxFailures: 5, windowSeconds: 60, lockSeconds: 60 });
    verifier = new CredentialVerifier(users, hasher, throttle, new FixedClock());
  });

  it('runs a full verification against the dummy hash for an unknown user', async () => {
    const outcome = await verifier.verify('Stranger', 'any password');
    expect(outcome).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
    expect(hasher.verified).toEqual([hasher.dummy]);
  });

  it('runs a full verification for a name MediaWiki would refuse', async () => {
    expect(await verifier.verify('Bad<name>', 'x')).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
    expect(hasher.verified).toEqual([hasher.dummy]);
  });

  it('runs a full verification for a user without a password', async () => {
    expect(await verifier.verify('Nopass', 'x')).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    expect(hasher.verified).toEqual([hasher.dummy]);
  });

  it('verifies a known user against their own hash', async () => {
    expect((await verifier.verify('known', 'right password')).result).toBe('PASS');
    expect(hasher.verified).toEqual(['hash(right password)']);
  });

  it('locks after the policy number of failures, counting unknown names too', async () => {
    for (let i = 0; i < 4; i++) expect((await verifier.verify('Stranger', 'x')).result).toBe('FAIL');
    expect(await verifier.verify('Stranger', 'x')).toEqual({ result: 'FAIL', code: 'THROTTLED', retryAfterSeconds: 60 });
    const before = hasher.verified.length;
    expect(await verifier.verify('Stranger', 'x')).toMatchObject({ code: 'THROTTLED' });
    // A locked subject costs no hashing at all.
    expect(hasher.verified.length).toBe(before);
  });
});
