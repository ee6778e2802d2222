import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SSO_LOGOUT_TYP, SSO_TICKET_TYP, DomainError } from '@authbridge/contract';
import {
  KyselyAuditRepository, KyselyClientRepository, KyselySsoKeyRepository, KyselySsoWikiRepository, KyselyUsedTicketRepository, KyselyUserRepository, migrateToLatest, openDatabase, type Db,
} from '@authbridge/storage';
import { AuditLog } from '../audit/audit-log';
import { Metrics } from '../metrics/metrics';
import { Clock } from '../clock';
import { privateKeyFromSeed, TicketRejected, verifyJws } from './jws';
import { SsoKeys } from './sso-keys';
import { SsoTickets } from './sso-tickets';
import { SsoWikis } from './sso-wikis';
import { Argon2PasswordHasher } from '@authbridge/passwords';
import { LocalUserDirectory } from '../sources/local-user-directory';

interface TicketVector {
  name: string;
  token: string;
  'expect-fail'?: boolean;
  code?: string;
  typ?: string;
  uses?: number;
  /** The wiki's nonce cookie in the browser that opens the ticket (null: none); see SPEC.md, "Binding a ticket to the browser". */
  browserNonce?: string | null;
  expect?: { sub: string; remember?: boolean; returnTo?: string | null; nonce?: string };
}

/** The wiki's browser check (BrowserNonce::check), which the API cannot make: it never sees the browser. */
function boundToBrowser(claims: Record<string, unknown>, browserNonce: string | null): boolean {
  return typeof claims.nonce === 'string' && browserNonce !== null
    && claims.nonce === createHash('sha256').update(browserNonce).digest('base64url');
}

const file = JSON.parse(readFileSync(resolve('mediawiki-extension-contract/vectors/sso-tickets.json'), 'utf8')) as {
  clock: number;
  context: { issuer: string; audience: string; leewaySeconds: number; maxLifetimeSeconds: number; jwks: { keys: Array<{ kid: string; x: string }> }; testKeySeeds: Record<string, string> };
  vectors: TicketVector[];
};

class FixedClock extends Clock {
  now(): Date {
    return new Date(file.clock * 1000);
  }
}

/** The API's real redeem path (verify, use up once, read the user) on an in-memory store, at the vectors' clock. */
async function redeemer(): Promise<{ tickets: SsoTickets; db: Db }> {
  const { db } = openDatabase('sqlite::memory:');
  await migrateToLatest(db);
  const clock = new FixedClock();
  const keyRepository = new KyselySsoKeyRepository(db);
  for (const [i, key] of file.context.jwks.keys.entries()) {
    const pem = privateKeyFromSeed(Buffer.from(file.context.testKeySeeds[key.kid], 'hex')).export({ format: 'pem', type: 'pkcs8' }).toString();
    // test-key-2 plays the key retired by a rotation a moment ago.
    await keyRepository.insert({ kid: key.kid, publicX: key.x, privatePem: pem, createdAt: '2026-11-18T09:00:0' + i + 'Z', retiredAt: i === 0 ? null : new Date((file.clock - 20) * 1000).toISOString() });
  }
  const clients = new KyselyClientRepository(db);
  await clients.insert({ id: 'any-client', name: 'wiki', secretHash: 'x', scopes: ['sso:redeem'], forwardsEndUserAddress: true, createdAt: clock.now().toISOString(), revokedAt: null, previousSecretHash: null, previousSecretExpiresAt: null, lastUsedAt: null });
  const wikis = new SsoWikis(new KyselySsoWikiRepository(db), clock, clients);
  await wikis.add(file.context.audience, 'http://127.0.0.1:8080', 'any-client');
  const users = new KyselyUserRepository(db);
  const at = clock.now().toISOString();
  await users.insert({ id: '7d0c6a1e-0000-4000-8000-000000000001', username: 'Jane Doe', realName: 'Jane', email: null, emailVerified: false, groups: [], disabled: false, passwordHash: null, passwordPreparation: null, createdAt: at, updatedAt: at });
  const settings = { issuer: file.context.issuer, ticketTtlSeconds: 30, logoutTimeoutMs: 1000 };
  const tickets = new SsoTickets(new SsoKeys(keyRepository, clock), wikis, new LocalUserDirectory(users, new Argon2PasswordHasher({ memoryKiB: 8192, timeCost: 1, parallelism: 1 }), clock), new KyselyUsedTicketRepository(db), clock, new AuditLog(new KyselyAuditRepository(db), clock, new Metrics()), settings);
  return { tickets, db };
}

describe('vectors/sso-tickets.json (fixed keys, fixed clock)', () => {
  // A fresh store per vector: each one stands alone, as in the PHP runner.
  let tickets: SsoTickets;
  let db: Db;
  beforeEach(async () => ({ tickets, db } = await redeemer()));
  afterEach(() => db.destroy());

  const outcome = async (v: TicketVector): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; code: string }> => {
    try {
      if (v.typ === SSO_LOGOUT_TYP) {
        const keys = new Map(file.context.jwks.keys.map((k) => [k.kid, k.x]));
        const { issuer, audience, leewaySeconds: leeway, maxLifetimeSeconds: maxLifetime } = file.context;
        return { ok: true, claims: await verifyJws(v.token, { keys, typ: v.typ, issuer, audience, now: file.clock, leeway, maxLifetime }) };
      }
      const redeemed = await tickets.redeem(v.token, 'any-client');
      return { ok: true, claims: { sub: redeemed.user.username, remember: redeemed.remember, returnTo: redeemed.returnTo } };
    } catch (error) {
      if (error instanceof DomainError || error instanceof TicketRejected) return { ok: false, code: error.code };
      throw error;
    }
  };

  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    if (v.browserNonce !== undefined) {
      // The API redeems a ticket whatever its nonce and keeps the claim signed; the wiki decides.
      const redeemed = await outcome(v);
      expect(redeemed.ok).toBe(true);
      if (!redeemed.ok) return;
      const keys = new Map(file.context.jwks.keys.map((k) => [k.kid, k.x]));
      const { issuer, audience, leewaySeconds: leeway, maxLifetimeSeconds: maxLifetime } = file.context;
      const claims = await verifyJws(v.token, { keys, typ: v.typ ?? SSO_TICKET_TYP, issuer, audience, now: file.clock, leeway, maxLifetime });
      if (v['expect-fail']) {
        expect(v.code).toBe('TICKET_NOT_FOR_THIS_BROWSER');
        expect(boundToBrowser(claims, v.browserNonce)).toBe(false);
      } else {
        expect(boundToBrowser(claims, v.browserNonce)).toBe(true);
        expect({ ...redeemed.claims, nonce: claims.nonce }).toMatchObject(v.expect!);
      }
      return;
    }
    const uses = v.uses ?? 1;
    for (let use = 1; use < uses; use++) expect((await outcome(v)).ok).toBe(true);
    const result = await outcome(v);
    if (v['expect-fail']) {
      expect(result).toEqual({ ok: false, code: v.code });
    } else {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.claims).toMatchObject(v.expect!);
    }
  });
});
