import { Injectable } from '@nestjs/common';
import { sql, type CompiledQuery, type Selectable, type Updateable } from 'kysely';
import { isPostgres, isUniqueViolation, type Db } from './database';
import type { PasswordPreparation } from '@authbridge/passwords';
import type { UserRecord, UserChanges } from './records';
import type { UsersTable } from './schema';

export abstract class UserRepository {
  abstract findByUsername(username: string): Promise<UserRecord | undefined>;
  /** Canonical names after `after`, starting with `prefix`, in name order. */
  abstract list(options: { prefix: string; after?: string; limit: number }): Promise<UserRecord[]>;
  /** Users whose email is this address, compared without regard to case, in name order. */
  abstract findByEmail(email: string, limit: number): Promise<UserRecord[]>;
  /** Returns false when the name is taken. */
  abstract insert(user: UserRecord): Promise<boolean>;
  abstract update(username: string, changes: UserChanges, updatedAt: string): Promise<UserRecord | undefined>;
  /**
   * Replaces the password hash only while it is still `oldHash` (compare-and-set); returns
   * whether it did. The rehash after a login uses it, so a password set meanwhile (an admin's
   * reset, the user's own change) is never overwritten with one derived from the old password.
   * The stored preparation becomes `preparation` in the same UPDATE (null: the new hash is of the
   * password as typed).
   */
  abstract replacePasswordHash(username: string, oldHash: string, newHash: string, updatedAt: string, preparation?: PasswordPreparation | null): Promise<boolean>;
  /** Deletes the user; returns what was deleted, or undefined when there was no such user. */
  abstract delete(username: string): Promise<UserRecord | undefined>;
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    realName: row.real_name,
    email: row.email,
    emailVerified: Boolean(row.email_verified),
    groups: JSON.parse(row.groups_json) as string[],
    disabled: Boolean(row.disabled),
    passwordHash: row.password_hash,
    // Only `users import` writes it, after checking the name (parseImportRow).
    passwordPreparation: row.password_preparation as PasswordPreparation | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(changes: UserChanges): Updateable<UsersTable> {
  const columns: Updateable<UsersTable> = {};
  if (changes.realName !== undefined) columns.real_name = changes.realName;
  if (changes.email !== undefined) columns.email = changes.email;
  if (changes.emailVerified !== undefined) columns.email_verified = changes.emailVerified ? 1 : 0;
  if (changes.groups !== undefined) columns.groups_json = JSON.stringify(changes.groups);
  if (changes.disabled !== undefined) columns.disabled = changes.disabled ? 1 : 0;
  if (changes.passwordHash !== undefined) {
    // A hash AuthBridge writes (a set, a reset) is of the password as typed.
    columns.password_hash = changes.passwordHash;
    columns.password_preparation = null;
  }
  return columns;
}

/** Escapes LIKE wildcards so a prefix matches literally. */
function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

@Injectable()
export class KyselyUserRepository extends UserRepository {
  /**
   * The look-up every wiki page view with a login may make, compiled once: building the query
   * anew was a tenth of its CPU. Only the parameter changes from one call to the next.
   */
  private readonly byUsername: CompiledQuery<Selectable<UsersTable>>;

  constructor(private readonly db: Db) {
    super();
    this.byUsername = db.selectFrom('users').selectAll().where('username', '=', '').compile();
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { rows } = await this.db.executeQuery<Selectable<UsersTable>>({ ...this.byUsername, parameters: [username] });
    return rows[0] && toRecord(rows[0]);
  }

  async list({ prefix, after, limit }: { prefix: string; after?: string; limit: number }): Promise<UserRecord[]> {
    let query = this.db.selectFrom('users').selectAll().orderBy('username').limit(limit);
    if (prefix) query = query.where(sql<boolean>`username like ${likePrefix(prefix)} escape '\\'`);
    if (after !== undefined) query = query.where('username', '>', after);
    return (await query.execute()).map(toRecord);
  }

  async findByEmail(email: string, limit: number): Promise<UserRecord[]> {
    // The store's lower() on both sides (SQLite folds ASCII only, so JavaScript's must not be
    // mixed in); the left side is the users_email_lower index (migration 2026-12-02-500).
    const rows = await this.db.selectFrom('users').selectAll()
      .where(sql<string>`lower(email)`, '=', sql<string>`lower(${email})`)
      .orderBy('username').limit(limit).execute();
    return rows.map(toRecord);
  }

  async insert(user: UserRecord): Promise<boolean> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          real_name: user.realName,
          email: user.email,
          email_verified: user.emailVerified ? 1 : 0,
          groups_json: JSON.stringify(user.groups),
          disabled: user.disabled ? 1 : 0,
          password_hash: user.passwordHash,
          password_preparation: user.passwordPreparation,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async update(username: string, changes: UserChanges, updatedAt: string): Promise<UserRecord | undefined> {
    const result = await this.db
      .updateTable('users')
      .set({ ...toColumns(changes), updated_at: updatedAt })
      .where('username', '=', username)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.findByUsername(username);
  }

  async replacePasswordHash(username: string, oldHash: string, newHash: string, updatedAt: string, preparation: PasswordPreparation | null = null): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      // The preparation goes with the hash it was made for.
      .set({ password_hash: newHash, password_preparation: preparation, updated_at: updatedAt })
      .where('username', '=', username)
      .where('password_hash', '=', oldHash)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.deleteFrom('users').where('username', '=', username).returningAll().executeTakeFirst();
    return row && toRecord(row);
  }
}
