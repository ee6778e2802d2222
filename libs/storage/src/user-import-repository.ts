import { Injectable } from '@nestjs/common';
import { PostgresAdapter, sql, type Insertable } from 'kysely';
import { v7 as timeOrderedUuid } from 'uuid';
import { KyselyAccountEventRepository, type NewAccountEvent } from './account-event-repository';
import type { PasswordPreparation } from '@authbridge/passwords';
import type { Db } from './database';
import type { UserRecord } from './records';
import type { UsersTable } from './schema';


export type ImportedProfile = Partial<Pick<UserRecord, 'realName' | 'email' | 'emailVerified' | 'groups' | 'disabled'>>;

/** One row of an import: a canonical name, the fields the file carries, and maybe a hash. */
export interface ImportedUser {
  username: string;
  /** Given: a new user gets this id (moving from a user source keeps the wiki's links); an existing one must have it. */
  id?: string;
  /** Only the columns the file has; the others keep their stored (or default) values. */
  profile: ImportedProfile;
  /**
   * Absent: the stored password stays as it is (a new user gets none). `preparation`: what the
   * website did to a typed password before hashing it, stored with the hash; null: nothing;
   * undefined: the file has no such field (a new hash then has none, the same hash keeps its own).
   */
  passwordHash?: { hash: string; sha256: string; preparation?: PasswordPreparation | null };
}

/**
 * created, updated, unchanged (rows an import created); taken: someone else created the name
 * during this batch; id-conflict: the file's id belongs to another user, or the stored user has
 * another id; collision: the name is an existing user no import created, left as it is;
 * overwritten: such a user, replaced because the admin asked (`overwriteExisting`).
 */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'taken' | 'id-conflict' | 'collision' | 'overwritten';

export interface UpsertOptions {
  /**
   * Also update users no import created (the API's, `users create`'s, rows older than the
   * provenance column). Off by default: a legacy "alice" must not land in the existing "Alice".
   */
  overwriteExisting?: boolean;
}

export abstract class UserImportRepository {
  /**
   * Creates missing users and updates changed ones in one transaction; equal rows are not
   * written, so their updatedAt stays. Names in one batch must be distinct.
   */
  abstract upsertBatch(users: readonly ImportedUser[], now: string, options?: UpsertOptions): Promise<UpsertOutcome[]>;
  /** Returns once every batch written so far survives a crash of the database server. */
  abstract ensureDurable(): Promise<void>;
}

/** Multi-row INSERTs stay well below both stores' limits on bound parameters. */
const INSERT_CHUNK = 1000;

@Injectable()
export class KyselyUserImportRepository extends UserImportRepository {
  private readonly db: Db;

  private readonly postgres: boolean;

  constructor(db: Db) {
    super();
    this.db = db;
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  async upsertBatch(users: readonly ImportedUser[], now: string, options: UpsertOptions = {}): Promise<UpsertOutcome[]> {
    if (users.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      // Batches do not wait for their WAL flush; ensureDurable() waits once, at the end, before
      // the import reports success. Until then a server crash is an interrupted import: re-run it.
      if (this.postgres) await sql`set local synchronous_commit = off`.execute(trx);
      const names = users.map((u) => u.username);
      const stored = await trx
        .selectFrom('users')
        .select(['id', 'username', 'real_name', 'email', 'email_verified', 'groups_json', 'disabled', 'password_hash', 'password_preparation', 'imported_hash_sha256', 'created_by_import'])
        // One array parameter instead of a thousand on PostgreSQL.
        .where(this.postgres ? sql<boolean>`username = any(${names}::text[])` : sql<boolean>`username in (${sql.join(names)})`)
        .execute();
      const byName = new Map(stored.map((row) => [row.username, row]));

      const outcomes: UpsertOutcome[] = [];
      const inserts: NewRow[] = [];
      const events: NewAccountEvent[] = [];
      for (const user of users) {
        const row = byName.get(user.username);
        if (!row) {
          inserts.push(newRow(user, now));
          outcomes.push('created');
          continue;
        }
        // An id never changes: a row naming another id than the stored user's is refused.
        if (user.id !== undefined && user.id !== row.id) {
          outcomes.push('id-conflict');
          continue;
        }
        // Only rows an import created are the import's to update; anyone else's stays untouched
        // (password, email, groups, disabled flag, id) unless the admin said otherwise.
        const imported = Number(row.created_by_import) === 1;
        if (!imported && !options.overwriteExisting) {
          outcomes.push('collision');
          continue;
        }
        const changes = changedColumns(row, user);
        if (!changes && imported) {
          outcomes.push('unchanged');
          continue;
        }
        // An overwritten user becomes the import's: running the same file again is 'unchanged', not another overwrite.
        await trx
          .updateTable('users')
          .set({ ...changes, ...(imported ? {} : { created_by_import: 1 }), updated_at: now })
          .where('id', '=', row.id)
          .execute();
        const event = accountEvent(row, changes);
        if (event) events.push(event);
        outcomes.push(imported ? 'updated' : 'overwritten');
      }

      // The wikis hear about changed passwords and disabled flags from the outbox, committed with the batch.
      await new KyselyAccountEventRepository(trx).record(events, Date.parse(now));

      const taken = new Map<string, UpsertOutcome>();
      for (let i = 0; i < inserts.length; i += INSERT_CHUNK) {
        const chunk = inserts.slice(i, i + INSERT_CHUNK);
        if ((await this.insertChunk(trx, chunk)) === chunk.length) continue;
        // Rare: a name was created meanwhile (by the API), or a given id is another user's. Find which rows did not go in.
        const stored = await trx.selectFrom('users').select(['id', 'username']).where('id', 'in', chunk.map((row) => row.id)).execute();
        const nameOf = new Map(stored.map((row) => [row.id, row.username]));
        for (const row of chunk) {
          const holder = nameOf.get(row.id);
          if (holder !== row.username) taken.set(row.username, holder === undefined ? 'taken' : 'id-conflict');
        }
      }
      return outcomes.map((outcome, i) => (outcome === 'created' ? taken.get(users[i].username) ?? outcome : outcome));
    });
  }

  async ensureDurable(): Promise<void> {
    // A transaction with an id commits synchronously, which flushes the WAL of every earlier
    // commit too. SQLite's commits already survive a crash of the process.
    if (this.postgres) await this.db.transaction().execute((trx) => sql`select txid_current()`.execute(trx));
  }

  /** Inserts new rows, skipping names that exist; returns how many went in. */
  private async insertChunk(trx: Db, rows: NewRow[]): Promise<number> {
    if (!this.postgres) {
      const result = await trx.insertInto('users').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows);
    }
    // One array per column (13 parameters) instead of 13 per row: a third of the time of a
    // multi-row VALUES for PostgreSQL to parse and for the client to build.
    const column = <K extends keyof NewRow>(key: K) => rows.map((row) => row[key]);
    const result = await sql`
      insert into users (id, username, real_name, email, email_verified, groups_json, disabled, password_hash, password_preparation, imported_hash_sha256, created_by_import, created_at, updated_at)
      select * from unnest(
        ${column('id')}::text[], ${column('username')}::text[], ${column('real_name')}::text[], ${column('email')}::text[],
        ${column('email_verified')}::int[], ${column('groups_json')}::text[], ${column('disabled')}::int[], ${column('password_hash')}::text[],
        ${column('password_preparation')}::text[], ${column('imported_hash_sha256')}::text[], ${column('created_by_import')}::int[], ${column('created_at')}::text[], ${column('updated_at')}::text[])
      on conflict do nothing`.execute(trx);
    return Number(result.numAffectedRows);
  }
}

type NewRow = ReturnType<typeof newRow>;

function newRow(user: ImportedUser, now: string): Insertable<UsersTable> & { id: string; username: string; created_by_import: number } {
  const p = user.profile;
  return {
    // Time-ordered (UUIDv7): a million random v4 keys would scatter every batch over the whole
    // primary-key index, which made SQLite's inserts five times slower.
    id: user.id ?? timeOrderedUuid(),
    username: user.username,
    real_name: p.realName ?? '',
    email: p.email ?? null,
    email_verified: p.emailVerified ? 1 : 0,
    groups_json: JSON.stringify(p.groups ?? []),
    disabled: p.disabled ? 1 : 0,
    password_hash: user.passwordHash?.hash ?? null,
    password_preparation: user.passwordHash?.preparation ?? null,
    imported_hash_sha256: user.passwordHash?.sha256 ?? null,
    created_by_import: 1,
    created_at: now,
    updated_at: now,
  };
}

/** What the wikis must hear about an updated row: one event, the one that matters most. */
function accountEvent(row: StoredRow & { id: string; username: string }, changes: ReturnType<typeof changedColumns>): NewAccountEvent | undefined {
  if (!changes) return undefined;
  const disabled = Number(changes.disabled ?? row.disabled) === 1;
  const change = changes.disabled === 1 ? 'disabled' : changes.password_hash !== undefined ? 'password' : changes.disabled === 0 ? 'enabled' : undefined;
  return change && { userId: row.id, username: row.username, change, state: disabled ? 'disabled' : 'active' };
}

type StoredRow = Pick<UsersTable, 'real_name' | 'email' | 'email_verified' | 'groups_json' | 'disabled' | 'password_hash' | 'password_preparation' | 'imported_hash_sha256'>;
type ChangedColumns = Partial<Omit<StoredRow, 'password_hash'> & { password_hash: string }>;

/** The columns whose value differs from the file, or undefined when the row is up to date. */
function changedColumns(row: StoredRow, user: ImportedUser): ChangedColumns | undefined {
  const p = user.profile;
  const changes: ChangedColumns = {};
  if (p.realName !== undefined && p.realName !== row.real_name) changes.real_name = p.realName;
  if (p.email !== undefined && p.email !== row.email) changes.email = p.email;
  if (p.emailVerified !== undefined && Number(p.emailVerified) !== Number(row.email_verified)) changes.email_verified = p.emailVerified ? 1 : 0;
  if (p.disabled !== undefined && Number(p.disabled) !== Number(row.disabled)) changes.disabled = p.disabled ? 1 : 0;
  if (p.groups !== undefined) {
    const groups = JSON.stringify(p.groups);
    if (groups !== row.groups_json) changes.groups_json = groups;
  }
  if (user.passwordHash && user.passwordHash.sha256 !== row.imported_hash_sha256) {
    changes.password_hash = user.passwordHash.hash;
    changes.password_preparation = user.passwordHash.preparation ?? null;
    changes.imported_hash_sha256 = user.passwordHash.sha256;
  } else if (user.passwordHash && user.passwordHash.preparation !== undefined && user.passwordHash.hash === row.password_hash
    && user.passwordHash.preparation !== row.password_preparation) {
    // The same hash, still stored as imported (no login rehashed it, nobody set a password): a
    // file from a newer export names the preparation an older one left out, so it is written.
    // Once the hash was replaced the preparation belongs to nothing and stays cleared.
    changes.password_preparation = user.passwordHash.preparation;
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}
