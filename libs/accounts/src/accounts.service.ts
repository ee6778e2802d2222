import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, type CreateUserRequest, type UpdateUserRequest, type UserJson, type UserPage } from '@authbridge/contract';
import { PasswordHasher, passwordPolicyViolation } from '@authbridge/passwords';
import { UserRepository, type UserRecord } from '@authbridge/storage';
import { AuditLog, CLI_ACTOR, type Actor } from './audit/audit-log';
import { BruteForceGuard } from './brute-force/brute-force-guard';
import { endUserAddress } from './brute-force/end-user-address';
import { Clock } from './clock';
import { canonicalizeUsername } from './username';
import { UserDirectory } from './sources/user-directory';
import { normalizeGroups, toUserJson } from './user-json';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Canonical name, or INVALID_USERNAME saying why MediaWiki would refuse it. */
export function requireCanonicalName(input: string): string {
  const result = canonicalizeUsername(input);
  if (!result.ok) throw new DomainError('INVALID_USERNAME', `MediaWiki would refuse this user name: ${result.reason}`);
  return result.name;
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly guard: BruteForceGuard,
    private readonly directory: UserDirectory,
  ) {}

  async get(username: string): Promise<UserJson> {
    return toUserJson(await this.requireUser(requireCanonicalName(username)));
  }

  async list(options: { prefix?: string; limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = Math.min(options.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const page = await this.directory.list({ prefix: options.prefix ?? '', cursor: options.cursor, limit });
    return { items: page.users.map(toUserJson), nextCursor: page.nextCursor };
  }

  async create(request: CreateUserRequest, actor: Actor = CLI_ACTOR): Promise<UserJson> {
    this.requireWritable();
    const username = requireCanonicalName(request.username);
    const passwordHash = request.password === undefined ? null : await this.hashNewPassword(request.password, username);
    const now = this.clock.now().toISOString();
    const user: UserRecord = {
      id: randomUUID(),
      username,
      realName: request.realName ?? '',
      email: request.email ?? null,
      emailVerified: request.emailVerified ?? false,
      groups: normalizeGroups(request.groups ?? []),
      disabled: request.disabled ?? false,
      passwordHash,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.users.insert(user))) throw new DomainError('USER_EXISTS', `A user named "${username}" already exists.`);
    await this.recordChange('user.create', username, actor, { fields: changedFields(request) });
    return toUserJson(user);
  }

  async update(username: string, changes: UpdateUserRequest, actor: Actor = CLI_ACTOR): Promise<UserJson> {
    this.requireWritable();
    const name = requireCanonicalName(username);
    const updated = await this.users.update(
      name,
      { ...changes, groups: changes.groups && normalizeGroups(changes.groups) },
      this.clock.now().toISOString(),
    );
    if (!updated) throw new DomainError('USER_NOT_FOUND', `No user named "${name}".`);
    await this.recordChange('user.update', name, actor, { fields: changedFields(changes), ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }) });
    return toUserJson(updated);
  }

  async setPassword(username: string, password: string, currentPassword?: string, actor: Actor = CLI_ACTOR): Promise<void> {
    this.requireWritable();
    const user = await this.requireUser(requireCanonicalName(username));
    const checkedCurrent = currentPassword !== undefined;
    if (currentPassword !== undefined) await this.checkCurrentPassword(user, currentPassword, actor);
    const passwordHash = await this.hashNewPassword(password, user.username);
    await this.users.update(user.username, { passwordHash }, this.clock.now().toISOString());
    await this.recordChange('user.password', user.username, actor, { checkedCurrent }, 'OK', checkedCurrent);
  }

  /**
   * A wrong `currentPassword` is a guess like any other: the same counters as a verify, keyed by
   * the caller's address (this request has no end-user context).
   */
  private async checkCurrentPassword(user: UserRecord, currentPassword: string, actor: Actor): Promise<void> {
    const address = endUserAddress({ clientId: actor.clientId, forwardsEndUserAddress: false, socketAddress: actor.address ?? '127.0.0.1' });
    const decision = await this.guard.begin(user.username, address);
    if (!decision.allowed) {
      await this.recordChange('user.password', user.username, actor, { checkedCurrent: true, retryAfterSeconds: decision.retryAfterSeconds }, 'THROTTLED', false);
      throw new DomainError('THROTTLED', `Too many wrong passwords; try again in ${decision.retryAfterSeconds} s.`, undefined, decision.retryAfterSeconds);
    }
    const check = user.passwordHash ? await this.hasher.verify(user.passwordHash, currentPassword) : { ok: false };
    if (check.ok) return decision.attempt.succeeded();
    const failure = await decision.attempt.failed();
    await this.recordChange('user.password', user.username, actor, { checkedCurrent: true }, 'WRONG_PASSWORD', true);
    if (failure.retryAfterSeconds > 0) {
      throw new DomainError('THROTTLED', `Too many wrong passwords; try again in ${failure.retryAfterSeconds} s.`, undefined, failure.retryAfterSeconds);
    }
    throw new DomainError('WRONG_PASSWORD', 'The current password is not right.');
  }

  private recordChange(event: 'user.create' | 'user.update' | 'user.password', username: string, actor: Actor, detail: Record<string, unknown>, outcome = 'OK', passwordChecked = false): Promise<void> {
    if (actor.clientId === null) detail = { ...detail, via: 'cli' };
    return this.audit.record({ event, outcome, username, clientId: actor.clientId, address: actor.address ?? null, passwordChecked, detail });
  }

  /** With a user source, accounts are the website's: it changes them, AuthBridge only reads. */
  private requireWritable(): void {
    if (this.directory.readOnly) {
      throw new DomainError('USERS_READ_ONLY', `Users come from the website's database (USER_SOURCE=${this.directory.kind}); change them on the website.`);
    }
  }

  private async requireUser(username: string): Promise<UserRecord> {
    const user = await this.directory.findByUsername(username);
    if (!user) throw new DomainError('USER_NOT_FOUND', `No user named "${username}".`);
    return user;
  }

  private async hashNewPassword(password: string, username: string): Promise<string> {
    const violation = passwordPolicyViolation(password, username);
    if (violation) throw new DomainError('PASSWORD_POLICY', `The password ${violation}.`);
    return this.hasher.hash(password);
  }
}

/** Names of the fields a request sets, for the audit log; never their values (a password least of all). */
function changedFields(request: object): string[] {
  return Object.entries(request).filter(([, value]) => value !== undefined).map(([key]) => key).sort();
}
