import type { ThrottleSettings } from '@authbridge/config';
import type { VerifyResponse } from '@authbridge/contract';
import { PasswordHasher, type PasswordCheck } from '@authbridge/passwords';
import { KyselyAuditRepository, KyselyBruteForceRepository, KyselyServerSecretRepository, migrateToLatest, openDatabase, UserRepository, type Db, type UserChanges, type UserRecord } from '@authbridge/storage';
import { AuditLog } from './audit/audit-log';
import { Metrics } from './metrics/metrics';
import { BruteForceGuard } from './brute-force/brute-force-guard';
import { KeyedHashes } from './brute-force/keyed-hashes';
import type { Caller } from './brute-force/end-user-address';
import { Clock } from './clock';
import { CredentialVerifier } from './credential-verifier';
import { LocalUserDirectory } from './sources/local-user-directory';

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
  async findByEmail(email: string) { return this.rows.filter((u) => u.email?.toLowerCase() === email.toLowerCase()); }
  async insert(user: UserRecord) { this.rows.push(user); return true; }
  async update(username: string, changes: UserChanges) {
    const row = this.rows.find((u) => u.username === username);
    if (row) Object.assign(row, changes);
    return row;
  }
  async replacePasswordHash(username: string, oldHash: string, newHash: string) {
    const row = this.rows.find((u) => u.username === username && u.passwordHash === oldHash);
    if (row) row.passwordHash = newHash;
    return row !== undefined;
  }
  async delete(username: string) {
    const i = this.rows.findIndex((u) => u.username === username);
    return i < 0 ? undefined : this.rows.splice(i, 1)[0];
  }
}

class MovableClock extends Clock {
  time = Date.parse('2026-11-28T12:00:00Z');
  now() { return new Date(this.time); }
  advance(seconds: number) { this.time += seconds * 1000; }
}

function user(username: string, password: string | null): UserRecord {
  return { id: `id-${username}`, username, realName: '', email: null, emailVerified: false, groups: [], disabled: false, passwordHash: password && `hash(${password})`, passwordPreparation: null, createdAt: '', updatedAt: '' };
}

const SETTINGS: ThrottleSettings = { maxFailures: 5, accountMaxFailures: 8, addressMaxFailures: 12, lockSeconds: 60, maxLockSeconds: 150, windowSeconds: 3600, accountChecksPerHour: 100, knownAddressDays: 30 };
/** The wiki: forwards the address of the person at its login form. */
const wiki = (socketAddress = '10.0.0.5'): Caller => ({ clientId: 'wiki', forwardsEndUserAddress: true, socketAddress });
const script: Caller = { clientId: 'script', forwardsEndUserAddress: false, socketAddress: '10.0.0.9' };
const from = (ip: string) => ({ ip });
const codeOf = (answer: VerifyResponse) => (answer.result === 'FAIL' ? answer.code : 'PASS');

describe('CredentialVerifier', () => {
  let db: Db;
  let hasher: RecordingHasher;
  let clock: MovableClock;
  let audit: AuditLog;
  let verifier: CredentialVerifier;
  let users: MemoryUsers;
  let keyed: KeyedHashes;
  let guardOf: () => BruteForceGuard;

  beforeEach(async () => {
    db = openDatabase('sqlite::memory:').db;
    await migrateToLatest(db);
    hasher = new RecordingHasher();
    clock = new MovableClock();
    users = new MemoryUsers([user('Known', 'right password'), user('Nopass', null), user('Other', 'other password')]);
    audit = new AuditLog(new KyselyAuditRepository(db), clock, new Metrics());
    keyed = new KeyedHashes(new KyselyServerSecretRepository(db), clock);
    const guard = new BruteForceGuard(new KyselyBruteForceRepository(db), clock, SETTINGS, keyed);
    verifier = new CredentialVerifier(new LocalUserDirectory(users, hasher, clock), guard, audit, new Metrics(), keyed);
    guardOf = () => guard;
  });
  afterEach(() => db.destroy());

  describe('enumeration', () => {
    it('runs a full verification against the dummy hash for an unknown user', async () => {
      expect(await verifier.verify('Stranger', 'any password')).toEqual({ result: 'FAIL', code: 'NO_SUCH_USER' });
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
  });

  describe('brute-force protection', () => {
    const fail = (name: string, ip: string, caller = wiki()) => verifier.verify(name, 'a wrong guess', from(ip), caller);

    it('locks one account for one address after maxFailures, costing no hashing while locked', async () => {
      for (let i = 0; i < 4; i++) expect(codeOf(await fail('Known', '198.51.100.1'))).toBe('WRONG_PASSWORD');
      expect(await fail('Known', '198.51.100.1')).toEqual({ result: 'FAIL', code: 'THROTTLED', retryAfterSeconds: 60 });
      const hashed = hasher.verified.length;
      expect(await verifier.verify('Known', 'right password', from('198.51.100.1'), wiki())).toMatchObject({ code: 'THROTTLED' });
      expect(hasher.verified.length).toBe(hashed);
    });

    it('counts guesses at unknown names the same way', async () => {
      for (let i = 0; i < 4; i++) expect(codeOf(await fail('Ghost', '198.51.100.1'))).toBe('NO_SUCH_USER');
      expect(codeOf(await fail('ghost', '198.51.100.1'))).toBe('THROTTLED');
    });

    it('lets the owner in from a fresh address while the account lock holds for the addresses that failed', async () => {
      // 8 failures from 4 addresses: the account lock (accountMaxFailures 8) holds for all four.
      for (let i = 0; i < 8; i++) await fail('Known', `198.51.100.${i % 4}`);
      const attacker = await fail('Known', '198.51.100.0');
      expect(attacker).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 60 });
      expect((await verifier.verify('Known', 'right password', from('203.0.113.7'), wiki())).result).toBe('PASS');
    });

    it('gives a fresh address one check while the account is locked, then locks it too', async () => {
      for (let i = 0; i < 8; i++) await fail('Known', `198.51.100.${i % 4}`);
      expect(await fail('Known', '192.0.2.50')).toMatchObject({ code: 'THROTTLED' });
      const hashed = hasher.verified.length;
      expect(await fail('Known', '192.0.2.50')).toMatchObject({ code: 'THROTTLED' });
      expect(hasher.verified.length).toBe(hashed);
    });

    it('grows the lock with every maxFailures more failures, up to maxLockSeconds (Keycloak)', async () => {
      for (let i = 0; i < 5; i++) await fail('Known', '198.51.100.1');
      const locks: number[] = [];
      for (let round = 0; round < 12; round++) {
        clock.advance(150);
        for (let i = 0; i < 5; i++) {
          const answer = await fail('Known', '198.51.100.1');
          if (answer.result === 'FAIL' && answer.code === 'THROTTLED') {
            locks.push(answer.retryAfterSeconds!);
            break;
          }
        }
      }
      // One failure per lock: 6..9 → 60 s (⌊n/5⌋ = 1), 10..14 → 120 s, then 180 s capped at 150 s.
      expect(locks).toEqual([60, 60, 60, 60, 120, 120, 120, 120, 120, 150, 150, 150]);
    });

    it('forgets failures after windowSeconds without one', async () => {
      for (let i = 0; i < 4; i++) await fail('Known', '198.51.100.1');
      clock.advance(3601);
      for (let i = 0; i < 4; i++) expect(codeOf(await fail('Known', '198.51.100.1'))).toBe('WRONG_PASSWORD');
    });

    it('clears the failures of an address when its password is right', async () => {
      for (let i = 0; i < 4; i++) await fail('Known', '198.51.100.1');
      expect((await verifier.verify('Known', 'right password', from('198.51.100.1'), wiki())).result).toBe('PASS');
      for (let i = 0; i < 4; i++) expect(codeOf(await fail('Known', '198.51.100.1'))).toBe('WRONG_PASSWORD');
    });

    it('limits one end-user address across accounts (addressMaxFailures)', async () => {
      const names = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'A11', 'A12'];
      for (const name of names.slice(0, 11)) expect(codeOf(await fail(name, '198.51.100.77'))).toBe('NO_SUCH_USER');
      // The failure that reaches the limit answers THROTTLED; the next costs no hashing.
      expect(await fail('A12', '198.51.100.77')).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: 60 });
      const hashed = hasher.verified.length;
      expect(await fail('A13', '198.51.100.77')).toMatchObject({ code: 'THROTTLED' });
      expect(hasher.verified.length).toBe(hashed);
    });

    it('ignores context.ip from a client not allowed to forward it, and never applies the per-address limit to the caller itself', async () => {
      const names = Array.from({ length: 20 }, (_, i) => `Sprayed ${i}`);
      for (const name of names) expect(codeOf(await verifier.verify(name, 'guess', from(`192.0.2.${names.indexOf(name)}`), script))).toBe('NO_SUCH_USER');
      const rows = await audit.list({ event: 'verify', limit: 50 });
      expect(new Set(rows.items.map((e) => e.address))).toEqual(new Set(['10.0.0.9']));
      expect(rows.items.every((e) => e.detail.addressSource === 'caller')).toBe(true);
    });

    it('counts IPv6 addresses by their /64', async () => {
      for (let i = 0; i < 4; i++) await fail('Known', `2001:db8:1:2::${i + 1}`);
      expect(codeOf(await fail('Known', '2001:0db8:0001:0002:ffff::9'))).toBe('THROTTLED');
    });
  });

  describe('audit log', () => {
    it('records every outcome with client and address, whether a hash was computed, and never the password', async () => {
      await verifier.verify('Known', 'right password', { ip: '203.0.113.7', requestId: 'req-1' }, wiki());
      for (let i = 0; i < 5; i++) await verifier.verify('Known', 'secret-guess-xyz', from('198.51.100.1'), wiki());
      await verifier.verify('Known', 'secret-guess-xyz', from('198.51.100.1'), wiki());
      const page = await audit.list({ username: 'Known', limit: 50 });
      const verifies = page.items.filter((e) => e.event === 'verify').reverse();
      expect(verifies.map((e) => [e.outcome, e.passwordChecked])).toEqual([
        ['PASS', true], ['WRONG_PASSWORD', true], ['WRONG_PASSWORD', true], ['WRONG_PASSWORD', true], ['WRONG_PASSWORD', true], ['THROTTLED', true], ['THROTTLED', false],
      ]);
      expect(verifies[0]).toMatchObject({ clientId: 'wiki', address: '203.0.113.7', detail: { addressSource: 'context', requestId: 'req-1' } });
      expect(page.items.filter((e) => e.event === 'lock').map((e) => e.outcome)).toEqual(['ACCOUNT_ADDRESS']);
      expect(JSON.stringify(page)).not.toMatch(/secret-guess|right password|hash\(/);
    });
  });

  describe('account-wide ceiling (security review, issue 10, item 3)', () => {
    const HOUR = 3600 * 1000;
    /** Guess number i comes from its own address: even ones IPv4, odd ones their own IPv6 /48. */
    const botnet = (i: number) => (i % 2 === 0 ? `198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `2001:db8:${(i >> 1).toString(16)}::1`);
    const checksOf = () => hasher.verified.length;
    const fail = (name: string, ip: string) => verifier.verify(name, 'a wrong guess', from(ip), wiki());

    it('holds 10,000 guesses from 10,000 addresses over a simulated day to 100 checks in every rolling hour; the owner keeps access from a known address', async () => {
      const start = clock.time;
      // The owner logged in from home before the attack; that address is now known to the account.
      expect(codeOf(await verifier.verify('Known', 'right password', from('203.0.113.7'), wiki()))).toBe('PASS');
      const checkedAt: number[] = [];
      const codes = new Map<string, number>();
      for (let i = 0; i < 10000; i++) {
        clock.time = start + 60 * 1000 + Math.floor((i * 86400 * 1000) / 10000);
        const before = checksOf();
        const code = codeOf(await fail('Known', botnet(i)));
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (checksOf() > before) checkedAt.push(clock.time);
      }
      // Every rolling hour, wherever it starts: the checks in (t - 1 h, t] for each checked t.
      let most = 0;
      for (let a = 0, b = 0; b < checkedAt.length; b++) {
        while (checkedAt[a] <= checkedAt[b] - HOUR) a++;
        most = Math.max(most, b - a + 1);
      }
      expect(most).toBeLessThanOrEqual(100);
      // The ceiling is what holds them (not a lock that shuts everyone out): it is used up, every hour.
      expect(most).toBe(100);
      expect(checkedAt.length).toBeGreaterThan(23 * 100);
      expect(checkedAt.length).toBeLessThanOrEqual(25 * 100);
      expect(codes.get('WRONG_PASSWORD')! + (codes.get('THROTTLED') ?? 0)).toBe(10000);

      // The ceiling is full now: a new address, even with the right password, waits; home does not.
      for (let i = 0; i < 100; i++) await fail('Known', botnet(20000 + i));
      const stranger = await verifier.verify('Known', 'right password', from('192.0.2.200'), wiki());
      expect(stranger).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: expect.any(Number) });
      expect(codeOf(await verifier.verify('Known', 'right password', from('203.0.113.7'), wiki()))).toBe('PASS');
      // Other accounts are not touched by this one's ceiling.
      expect(codeOf(await verifier.verify('Other', 'other password', from('192.0.2.200'), wiki()))).toBe('PASS');
      const throttled = (await audit.list({ username: 'Known', event: 'verify', limit: 1 })).items;
      expect(throttled[0]).toMatchObject({ outcome: 'PASS' });
      const refused = (await audit.list({ username: 'Known', event: 'verify', limit: 3 })).items.find((e) => e.outcome === 'THROTTLED');
      expect(refused).toMatchObject({ passwordChecked: false, detail: { refusedBy: 'ACCOUNT_CHECKS' } });
    }, 120000);

    it('answers with the wait until the oldest minute leaves the hour, and lets checks in again then', async () => {
      for (let i = 0; i < 100; i++) expect(codeOf(await fail('Known', botnet(i)))).not.toBe('PASS');
      expect(checksOf()).toBe(100);
      const refused = await fail('Known', botnet(100));
      expect(refused).toMatchObject({ code: 'THROTTLED' });
      // All 100 are in the minute that began at most 60 s ago; it counts for 61 minutes.
      const wait = (refused as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThan(3600);
      expect(wait).toBeLessThanOrEqual(3660);
      clock.advance(wait - 1);
      expect(await fail('Known', botnet(101))).toMatchObject({ code: 'THROTTLED' });
      expect(checksOf()).toBe(100);
      clock.advance(1);
      expect(codeOf(await fail('Known', botnet(102)))).toBe('WRONG_PASSWORD');
    });

    it('does not let the caller\'s own address become known (it is every end user\'s), nor a forwarded one from a client that may not forward', async () => {
      expect(codeOf(await verifier.verify('Known', 'right password', {}, script))).toBe('PASS');
      expect(codeOf(await verifier.verify('Known', 'right password', from('203.0.113.7'), script))).toBe('PASS');
      expect(await db.selectFrom('known_addresses').selectAll().execute()).toEqual([]);
      expect(codeOf(await verifier.verify('Known', 'right password', from('203.0.113.7'), wiki()))).toBe('PASS');
      expect(await db.selectFrom('known_addresses').selectAll().execute()).toHaveLength(1);
    });

    it('gives the place of a right password back, so the owner\'s own logins never fill the ceiling', async () => {
      for (let i = 0; i < 150; i++) expect(codeOf(await verifier.verify('Known', 'right password', from(botnet(i)), wiki()))).toBe('PASS');
      expect((await guardOf().status('Known')).checks).toEqual({ lastHour: 0, limit: 100, retryAfterSeconds: 0 });
    });

    it('forgets a known address after knownAddressDays, keeps the 10 most recent, and never remembers a disabled account\'s', async () => {
      const ceilingFull = async (name: string) => {
        for (let i = 0; i < 100; i++) await fail(name, botnet(50000 + i));
      };
      for (let i = 0; i < 11; i++) {
        expect(codeOf(await verifier.verify('Known', 'right password', from(`203.0.113.${i}`), wiki()))).toBe('PASS');
        clock.advance(1);
      }
      await ceilingFull('Known');
      // 203.0.113.0 was the oldest of 11: no longer known. The 10 after it are.
      expect(await verifier.verify('Known', 'right password', from('203.0.113.0'), wiki())).toMatchObject({ code: 'THROTTLED' });
      expect(codeOf(await verifier.verify('Known', 'right password', from('203.0.113.1'), wiki()))).toBe('PASS');
      clock.advance(30 * 86400 + 1);
      await ceilingFull('Known');
      expect(await verifier.verify('Known', 'right password', from('203.0.113.2'), wiki())).toMatchObject({ code: 'THROTTLED' });

      users.rows.push({ ...user('Gone', 'gone password'), disabled: true });
      expect(codeOf(await verifier.verify('Gone', 'gone password', from('203.0.113.50'), wiki()))).toBe('ACCOUNT_DISABLED');
      await ceilingFull('Gone');
      expect(await verifier.verify('Gone', 'gone password', from('203.0.113.50'), wiki())).toMatchObject({ code: 'THROTTLED' });
    });

    it('stores the addresses it knows only as keyed hashes', async () => {
      await verifier.verify('Known', 'right password', from('203.0.113.7'), wiki());
      const rows = await db.selectFrom('known_addresses').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('203.0.113');
      expect(rows[0].address_hash).toBe(await keyed.address('203.0.113.7'));
    });
  });

  describe('names that are no user (security review, issue 10, item 8)', () => {
    const typed = 'Tr0ub4dor&3 oops';

    it('keeps only a keyed pseudonym of the typed name in the counters and the audit log', async () => {
      for (let i = 0; i < 3; i++) await verifier.verify(typed, 'x', from('198.51.100.9'), wiki());
      await verifier.verify('tr0ub4dor&3 oops', 'x', from('198.51.100.9'), wiki());
      const pseudonym = await keyed.pseudonym(typed);
      expect(pseudonym).toMatch(/^#unknown-[A-Za-z0-9_-]{22}$/);
      const dump: unknown[] = [];
      for (const table of ['brute_force_counters', 'audit_events', 'account_check_buckets', 'account_check_heads', 'known_addresses'] as const) {
        dump.push(...(await db.selectFrom(table).selectAll().execute()));
      }
      expect(JSON.stringify(dump)).not.toMatch(/troub|Tr0ub4dor|r0ub4dor/i);
      const events = (await audit.list({ username: pseudonym, limit: 10 })).items;
      // One spelling for every spelling that canonicalises alike ("tr0ub…" becomes "Tr0ub…").
      expect(events).toHaveLength(4);
      expect((await guardOf().status(pseudonym)).addresses[0]).toMatchObject({ failures: 4 });
      // A user's own name is kept as is.
      await verifier.verify('Known', 'wrong', from('198.51.100.9'), wiki());
      expect((await audit.list({ username: 'Known', limit: 10 })).items).toHaveLength(1);
    });

    it('has a pseudonym no user name can be, different under another store\'s key', async () => {
      const other = openDatabase('sqlite::memory:').db;
      await migrateToLatest(other);
      const elsewhere = new KeyedHashes(new KyselyServerSecretRepository(other), clock);
      expect(await elsewhere.pseudonym(typed)).not.toBe(await keyed.pseudonym(typed));
      expect(await keyed.pseudonym(typed)).toBe(await keyed.pseudonym(typed));
      await other.destroy();
    });
  });
});
