import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type CreateUserRequest, type UpdateUserRequest, type UserJson, type UserPage } from '@authbridge/contract';
import { PasswordHasher, passwordPolicyViolation, preparePassword } from '@authbridge/passwords';
import { AccountTransactions, UserRepository, type AccountStore, type ClaimedDelivery, type NewAccountEvent, type UserRecord } from '@authbridge/storage';
import { AuditLog, CLI_ACTOR, type Actor } from './audit/audit-log';
import { BruteForceGuard } from './brute-force/brute-force-guard';
import { endUserAddress } from './brute-force/end-user-address';
import { Clock } from './clock';
import { canonicalizeUsername } from './username';
import { UserDirectory } from './sources/user-directory';
import { normalizeGroups, toUserJson } from './user-json';
import { AccountNotifications, type DeliveryReport } from './lifecycle/account-notifications';

export const DEFAULT_PAGE_SIZE = PAGE_SIZE_DEFAULT;
export const MAX_PAGE_SIZE = PAGE_SIZE_MAX;

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
    private readonly transactions: AccountTransactions,
    private readonly notifications: AccountNotifications,
  ) {}

  async get(username: string): Promise<UserJson> {
    return toUserJson(await this.requireUser(requireCanonicalName(username)));
  }

  async list(options: { prefix?: string; email?: string; limit?: number; cursor?: string }): Promise<UserPage> {
    const limit = Math.min(options.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (options.email !== undefined) {
      // An address names a few people at most: one page, no cursor (SPEC.md, GET /v1/users).
      if (options.prefix !== undefined || options.cursor !== undefined) {
        throw new DomainError('VALIDATION_FAILED', 'email cannot be combined with prefix or cursor', [
          { field: 'email', message: 'email cannot be combined with prefix or cursor' },
        ]);
      }
      return { items: (await this.directory.findByEmail(options.email, limit)).map(toUserJson), nextCursor: null };
    }
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
      passwordPreparation: null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.users.insert(user))) throw new DomainError('USER_EXISTS', `A user named "${username}" already exists.`);
    await this.recordChange('user.create', username, actor, { fields: changedFields(request) });
    return toUserJson(user);
  }

  /** A change of `disabled` tells every registered wiki (SPEC.md, "The account's life follows the website"). */
  async update(username: string, changes: UpdateUserRequest, actor: Actor = CLI_ACTOR): Promise<UserJson> {
    this.requireWritable();
    const name = requireCanonicalName(username);
    let previous: UserRecord | undefined;
    const updated = await this.changeAndNotify(name, async (store, before, now) => {
      previous = before;
      const after = await store.users.update(name, { ...changes, groups: changes.groups && normalizeGroups(changes.groups) }, now);
      const flipped = changes.disabled !== undefined && changes.disabled !== before.disabled;
      return { result: after!, event: flipped ? accountEvent(before, changes.disabled ? 'disabled' : 'enabled', changes.disabled!) : undefined };
    });
    await this.recordChange('user.update', name, actor, {
      fields: changedFields(changes),
      ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
      ...whatChanged(previous!, updated),
    });
    return toUserJson(updated);
  }

  /** Sets a password (checking the current one when given); the wikis end the user's sessions. */
  async setPassword(username: string, password: string, currentPassword?: string, actor: Actor = CLI_ACTOR): Promise<void> {
    this.requireWritable();
    const user = await this.requireUser(requireCanonicalName(username));
    const checkedCurrent = currentPassword !== undefined;
    if (currentPassword !== undefined) await this.checkCurrentPassword(user, currentPassword, actor);
    const passwordHash = await this.hashNewPassword(password, user.username);
    await this.changeAndNotify(user.username, async (store, before, now) => {
      await store.users.update(user.username, { passwordHash }, now);
      return { result: undefined, event: accountEvent(before, 'password', before.disabled) };
    });
    await this.guard.forgetAddresses(user.username);
    await this.recordChange('user.password', user.username, actor, { checkedCurrent }, 'OK', checkedCurrent);
  }

  /**
   * Deletes a website account: the name is free again (a new user of it gets a new id), and every
   * registered wiki ends the sessions of the account linked to the old id and refuses its bot passwords.
   */
  async delete(username: string, actor: Actor = CLI_ACTOR): Promise<void> {
    this.requireWritable();
    const name = requireCanonicalName(username);
    await this.changeAndNotify(name, async (store, before) => {
      await store.users.delete(name);
      return { result: undefined, event: { userId: before.id, username: before.username, change: 'deleted', state: 'deleted' } };
    });
    await this.recordChange('user.delete', name, actor, {});
  }

  /**
   * Single logout: every registered wiki ends the user's sessions. Same outbox as account changes,
   * so a wiki that is down hears it later; the answer reports the first attempt at each wiki.
   */
  async endSessions(username: string, actor: Actor = CLI_ACTOR): Promise<DeliveryReport[]> {
    const user = await this.requireUser(requireCanonicalName(username));
    const claim = this.notifications.newClaim();
    const deliveries = await this.transactions.run((store) =>
      store.events.record([{ userId: user.id, username: user.username, change: 'logout', state: null }], this.clock.now().getTime(), claim));
    await this.recordChange('user.sessions', user.username, actor, { wikis: deliveries.length });
    return this.notifications.deliver(deliveries);
  }

  /**
   * One change of one user and its outbox rows in one transaction, the row locked first; the rows
   * are claimed here and delivered right after the commit (retried by the API's poller if need be).
   */
  private async changeAndNotify<T>(
    name: string,
    change: (store: AccountStore, before: UserRecord, now: string) => Promise<{ result: T; event?: NewAccountEvent }>,
  ): Promise<T> {
    const claim = this.notifications.newClaim();
    const { result, deliveries } = await this.transactions.run(async (store) => {
      await store.lockUser(name);
      const before = await store.users.findByUsername(name);
      if (!before) throw new DomainError('USER_NOT_FOUND', `No user named "${name}".`);
      const now = this.clock.now();
      const done = await change(store, before, now.toISOString());
      const claimed: ClaimedDelivery[] = done.event ? await store.events.record([done.event], now.getTime(), claim) : [];
      return { result: done.result, deliveries: claimed };
    });
    this.notifications.deliverSoon(deliveries);
    return result;
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
    const check = user.passwordHash ? await this.hasher.verify(user.passwordHash, preparePassword(user.passwordPreparation, currentPassword)) : { ok: false };
    if (check.ok) return decision.attempt.succeeded();
    const failure = await decision.attempt.failed();
    await this.recordChange('user.password', user.username, actor, { checkedCurrent: true }, 'WRONG_PASSWORD', true);
    if (failure.retryAfterSeconds > 0) {
      throw new DomainError('THROTTLED', `Too many wrong passwords; try again in ${failure.retryAfterSeconds} s.`, undefined, failure.retryAfterSeconds);
    }
    throw new DomainError('WRONG_PASSWORD', 'The current password is not right.');
  }

  private recordChange(event: 'user.create' | 'user.update' | 'user.password' | 'user.delete' | 'user.sessions', username: string, actor: Actor, detail: Record<string, unknown>, outcome = 'OK', passwordChecked = false): Promise<void> {
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

function accountEvent(user: UserRecord, change: NewAccountEvent['change'], disabled: boolean): NewAccountEvent {
  return { userId: user.id, username: user.username, change, state: disabled ? 'disabled' : 'active' };
}

/** Names of the fields a request sets, for the audit log; never their values (a password least of all). */
function changedFields(request: object): string[] {
  return Object.entries(request).filter(([, value]) => value !== undefined).map(([key]) => key).sort();
}

/**
 * Which fields a change really altered (a field set to its old value is not a change), and the
 * groups it added and removed: the audit's "email changed, groups +editor -staff". Names of
 * fields and groups only, never an email or a name's value.
 */
function whatChanged(before: UserRecord, after: UserRecord): { changed: string[]; groupsAdded?: string[]; groupsRemoved?: string[] } {
  const changed: string[] = (['email', 'emailVerified', 'realName', 'disabled'] as const).filter((field) => before[field] !== after[field]);
  const groupsAdded = after.groups.filter((g) => !before.groups.includes(g));
  const groupsRemoved = before.groups.filter((g) => !after.groups.includes(g));
  if (!groupsAdded.length && !groupsRemoved.length) return { changed };
  return { changed: [...changed, 'groups'], groupsAdded, groupsRemoved };
}
