import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, SCOPES, type Scope } from '@authbridge/contract';
import { ClientRepository, type ClientRecord } from '@authbridge/storage';
import { AuditLog, CLI_ACTOR, type Actor } from './audit/audit-log';
import { Clock } from './clock';

export interface AuthenticatedClient {
  id: string;
  name: string;
  scopes: Scope[];
  /** May name the end user's address in `context.ip` (SPEC.md, "The end user's address"). */
  forwardsEndUserAddress: boolean;
}

export interface CreatedClient extends AuthenticatedClient {
  /** Shown once; only its SHA-256 is stored. */
  secret: string;
}

const SECRET_PATTERN = /^abk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

// The secret carries 256 random bits, so a fast hash is enough: there is nothing to brute-force,
// and a slow KDF on every API request would cost more than the password checks themselves.
function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * How long a verified secret is trusted without asking the store again. Every API request
 * carries the secret, and the look-up was a store round trip per request; 2 s takes that to one
 * per client per 2 s. A revoke through this process (the API) drops the entry at once; a revoke
 * by the CLI or another instance on the same PostgreSQL takes effect within this time.
 */
export const CLIENT_CACHE_MS = 2000;
const MAX_CACHED_CLIENTS = 256;

@Injectable()
export class ClientCredentials {
  /** Only verified secrets, by their SHA-256 (never the secret), so wrong guesses cannot fill it. */
  private readonly verified = new Map<string, { client: AuthenticatedClient; until: number }>();

  constructor(
    private readonly clients: ClientRepository,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async create(name: string, scopes: string[], options: { forwardsEndUserAddress?: boolean } = {}, actor: Actor = CLI_ACTOR): Promise<CreatedClient> {
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw new DomainError('VALIDATION_FAILED', `Unknown scope ${unknown.join(', ')}; known: ${SCOPES.join(', ')}.`);
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name)) {
      throw new DomainError('VALIDATION_FAILED', 'A client name is 1-64 letters, digits, spaces, dots, dashes or underscores.');
    }
    const id = randomBytes(10).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 16).padEnd(16, '0');
    const secret = `abk_${id}_${randomBytes(32).toString('base64url')}`;
    const record: ClientRecord = {
      id,
      name,
      secretHash: sha256(secret).toString('hex'),
      scopes: [...new Set(scopes)].sort(),
      forwardsEndUserAddress: options.forwardsEndUserAddress ?? false,
      createdAt: this.clock.now().toISOString(),
      revokedAt: null,
    };
    if (!(await this.clients.insert(record))) throw new DomainError('VALIDATION_FAILED', `A client named "${name}" already exists.`);
    await this.audit.record({ event: 'client.create', outcome: 'OK', clientId: actor.clientId, detail: { client: id, name, scopes: record.scopes, forwardsEndUserAddress: record.forwardsEndUserAddress } });
    return { id, name, scopes: record.scopes as Scope[], forwardsEndUserAddress: record.forwardsEndUserAddress, secret };
  }

  /** The client a bearer secret belongs to, or undefined for a wrong, malformed or revoked one. */
  async authenticate(secret: string): Promise<AuthenticatedClient | undefined> {
    const match = SECRET_PATTERN.exec(secret);
    if (!match) return undefined;
    const actual = sha256(secret);
    const key = actual.toString('hex');
    const now = performance.now();
    const cached = this.verified.get(key);
    if (cached && cached.until > now) return cached.client;
    this.verified.delete(key);
    const client = await this.clients.findById(match[1]);
    if (!client || client.revokedAt) return undefined;
    const expected = Buffer.from(client.secretHash, 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const authenticated: AuthenticatedClient = { id: client.id, name: client.name, scopes: client.scopes as Scope[], forwardsEndUserAddress: client.forwardsEndUserAddress };
    if (this.verified.size >= MAX_CACHED_CLIENTS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(key, { client: authenticated, until: now + CLIENT_CACHE_MS });
    return authenticated;
  }

  /** Forgets the verified secrets of a client, so a change to it (revoke, scopes) applies to the next request. */
  forget(id: string): void {
    for (const [key, entry] of this.verified) if (entry.client.id === id) this.verified.delete(key);
  }

  async list(): Promise<Array<AuthenticatedClient & { createdAt: string; revokedAt: string | null }>> {
    return (await this.clients.list()).map(({ id, name, scopes, forwardsEndUserAddress, createdAt, revokedAt }) => ({ id, name, scopes: scopes as Scope[], forwardsEndUserAddress, createdAt, revokedAt }));
  }

  async revoke(id: string, actor: Actor = CLI_ACTOR): Promise<void> {
    const revoked = await this.clients.revoke(id, this.clock.now().toISOString());
    this.forget(id);
    if (!revoked) throw new DomainError('CLIENT_NOT_FOUND', `No client with id "${id}".`);
    await this.audit.record({ event: 'client.revoke', outcome: 'OK', clientId: actor.clientId, detail: { client: id } });
  }
}
