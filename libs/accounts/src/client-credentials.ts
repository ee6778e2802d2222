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

/** `clients list` shows last use to the minute; writing more often would cost a write per request. */
const LAST_USE_RESOLUTION_MS = 60_000;
/** The longest a rotated-out secret may stay valid. */
export const MAX_ROTATION_GRACE_SECONDS = 30 * 86400;

export interface ClientSummary extends AuthenticatedClient {
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** Until when the secret replaced by the last rotation still works (null: it does not). */
  previousSecretValidUntil: string | null;
}

const SECRET_PATTERN = /^abk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

// The secret carries 256 random bits, so a fast hash is enough: there is nothing to brute-force,
// and a slow KDF on every API request would cost more than the password checks themselves.
function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sameHash(storedHex: string, actual: Buffer): boolean {
  const expected = Buffer.from(storedHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function newSecret(id: string): string {
  return `abk_${id}_${randomBytes(32).toString('base64url')}`;
}

function checkScopes(scopes: string[]): void {
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new DomainError('VALIDATION_FAILED', `Unknown scope ${unknown.join(', ')}; known: ${SCOPES.join(', ')}.`);
  if (scopes.length === 0) throw new DomainError('VALIDATION_FAILED', 'A client needs at least one scope.');
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name)) {
    throw new DomainError('VALIDATION_FAILED', 'A client name is 1-64 letters, digits, spaces, dots, dashes or underscores.');
  }
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

  /** When each client's last use was written by this instance (epoch ms). */
  private readonly lastUseWritten = new Map<string, number>();

  async create(name: string, scopes: string[], options: { forwardsEndUserAddress?: boolean } = {}, actor: Actor = CLI_ACTOR): Promise<CreatedClient> {
    checkScopes(scopes);
    checkName(name);
    const id = randomBytes(10).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 16).padEnd(16, '0');
    const secret = newSecret(id);
    const record: ClientRecord = {
      id,
      name,
      secretHash: sha256(secret).toString('hex'),
      scopes: [...new Set(scopes)].sort(),
      forwardsEndUserAddress: options.forwardsEndUserAddress ?? false,
      createdAt: this.clock.now().toISOString(),
      revokedAt: null,
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      lastUsedAt: null,
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
    if (cached && cached.until > now) {
      this.noteUse(cached.client.id, this.clock.now().getTime());
      return cached.client;
    }
    this.verified.delete(key);
    const client = await this.clients.findById(match[1]);
    if (!client || client.revokedAt) return undefined;
    const wallNow = this.clock.now();
    // The previous secret (after `clients rotate`) works until its grace period ends, then never.
    const inGrace = client.previousSecretHash !== null && client.previousSecretExpiresAt !== null && wallNow.toISOString() < client.previousSecretExpiresAt;
    const current = sameHash(client.secretHash, actual);
    if (!current && !(inGrace && sameHash(client.previousSecretHash!, actual))) return undefined;
    this.noteUse(client.id, wallNow.getTime());
    const authenticated: AuthenticatedClient = { id: client.id, name: client.name, scopes: client.scopes as Scope[], forwardsEndUserAddress: client.forwardsEndUserAddress };
    // Only the current secret is cached: a rotated-out one must stop at the end of its grace period, not up to 2 s later.
    if (current) {
      if (this.verified.size >= MAX_CACHED_CLIENTS) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(key, { client: authenticated, until: now + CLIENT_CACHE_MS });
    }
    return authenticated;
  }

  /** Forgets the verified secrets of a client, so a change to it (revoke, rotate, scopes) applies to the next request. */
  forget(id: string): void {
    for (const [key, entry] of this.verified) if (entry.client.id === id) this.verified.delete(key);
  }

  /**
   * Records the use at most once a minute per client and instance, without waiting: a lost write
   * only makes `clients list` a minute staler, and the request does not pay for it.
   */
  private noteUse(id: string, nowMs: number): void {
    const last = this.lastUseWritten.get(id);
    if (last !== undefined && nowMs - last < LAST_USE_RESOLUTION_MS) return;
    this.lastUseWritten.set(id, nowMs);
    this.clients.touch(id, new Date(nowMs).toISOString()).catch(() => this.lastUseWritten.delete(id));
  }

  async list(): Promise<ClientSummary[]> {
    const now = this.clock.now().toISOString();
    return (await this.clients.list()).map((c) => ({
      id: c.id, name: c.name, scopes: c.scopes as Scope[], forwardsEndUserAddress: c.forwardsEndUserAddress, createdAt: c.createdAt, revokedAt: c.revokedAt,
      lastUsedAt: c.lastUsedAt,
      previousSecretValidUntil: c.previousSecretHash !== null && c.previousSecretExpiresAt !== null && c.previousSecretExpiresAt > now ? c.previousSecretExpiresAt : null,
    }));
  }

  async get(id: string): Promise<ClientSummary> {
    const found = (await this.list()).find((c) => c.id === id);
    if (!found || found.revokedAt) throw new DomainError('CLIENT_NOT_FOUND', `No client with id "${id}" (or it is revoked).`);
    return found;
  }

  /** New name and/or scopes, effective on the client's next request (its secret stays). */
  async update(id: string, changes: { name?: string; scopes?: string[] }, actor: Actor = CLI_ACTOR): Promise<{ client: ClientSummary; changed: { name?: { from: string; to: string }; scopesAdded: string[]; scopesRemoved: string[] } }> {
    if (changes.name === undefined && changes.scopes === undefined) throw new DomainError('VALIDATION_FAILED', 'Give --name and/or --scopes.');
    if (changes.name !== undefined) checkName(changes.name);
    if (changes.scopes !== undefined) checkScopes(changes.scopes);
    const before = await this.get(id);
    const scopes = changes.scopes === undefined ? undefined : [...new Set(changes.scopes)].sort();
    const outcome = await this.clients.update(id, { name: changes.name, scopes });
    this.forget(id);
    if (outcome === 'name-taken') throw new DomainError('VALIDATION_FAILED', `A client named "${changes.name}" already exists.`);
    if (outcome === 'not-found') throw new DomainError('CLIENT_NOT_FOUND', `No client with id "${id}" (or it is revoked).`);
    const after = await this.get(id);
    const changed = {
      ...(after.name !== before.name ? { name: { from: before.name, to: after.name } } : {}),
      scopesAdded: after.scopes.filter((s) => !before.scopes.includes(s)),
      scopesRemoved: before.scopes.filter((s) => !after.scopes.includes(s)),
    };
    await this.audit.record({ event: 'client.update', outcome: 'OK', clientId: actor.clientId, detail: { client: id, name: after.name, scopes: after.scopes, ...changed } });
    return { client: after, changed };
  }

  /**
   * A new secret (shown once); the old one keeps working for `graceSeconds` so the caller's
   * configuration can be switched without an outage, then is refused. Both are stored hashed.
   */
  async rotate(id: string, graceSeconds: number, actor: Actor = CLI_ACTOR): Promise<CreatedClient & { previousSecretValidUntil: string | null }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
      throw new DomainError('VALIDATION_FAILED', `The grace period is 0 to ${MAX_ROTATION_GRACE_SECONDS / 86400} days.`);
    }
    const before = await this.get(id);
    const secret = newSecret(id);
    const until = new Date(this.clock.now().getTime() + graceSeconds * 1000).toISOString();
    if (!(await this.clients.rotate(id, sha256(secret).toString('hex'), until))) throw new DomainError('CLIENT_NOT_FOUND', `No client with id "${id}" (or it is revoked).`);
    this.forget(id);
    await this.audit.record({ event: 'client.rotate', outcome: 'OK', clientId: actor.clientId, detail: { client: id, name: before.name, graceSeconds } });
    return { id, name: before.name, scopes: before.scopes, forwardsEndUserAddress: before.forwardsEndUserAddress, secret, previousSecretValidUntil: graceSeconds > 0 ? until : null };
  }

  async revoke(id: string, actor: Actor = CLI_ACTOR): Promise<void> {
    const revoked = await this.clients.revoke(id, this.clock.now().toISOString());
    this.forget(id);
    if (!revoked) throw new DomainError('CLIENT_NOT_FOUND', `No client with id "${id}".`);
    await this.audit.record({ event: 'client.revoke', outcome: 'OK', clientId: actor.clientId, detail: { client: id } });
  }
}
