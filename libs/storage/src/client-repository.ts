import { Injectable } from '@nestjs/common';
import type { CompiledQuery, Selectable } from 'kysely';
import { isUniqueViolation, type Db } from './database';
import type { ClientRecord } from './records';
import type { ClientsTable } from './schema';

function toRecord(row: Selectable<ClientsTable>): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    scopes: row.scopes.split(' ').filter(Boolean),
    forwardsEndUserAddress: Boolean(row.forwards_end_user_address),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    previousSecretHash: row.previous_secret_hash ?? null,
    previousSecretExpiresAt: row.previous_secret_expires_at ?? null,
    lastUsedAt: row.last_used_at ?? null,
  };
}

export abstract class ClientRepository {
  abstract findById(id: string): Promise<ClientRecord | undefined>;
  abstract list(): Promise<ClientRecord[]>;
  /** Returns false when the name is taken. */
  abstract insert(client: ClientRecord): Promise<boolean>;
  abstract revoke(id: string, at: string): Promise<boolean>;
  /** Name and scopes of a client that is not revoked; false when there is none, throws on a taken name. */
  abstract update(id: string, changes: { name?: string; scopes?: string[] }): Promise<'updated' | 'not-found' | 'name-taken'>;
  /** Replaces the secret; the old one's hash stays valid until `previousExpiresAt`. */
  abstract rotate(id: string, secretHash: string, previousExpiresAt: string): Promise<boolean>;
  abstract touch(id: string, at: string): Promise<void>;
}

@Injectable()
export class KyselyClientRepository extends ClientRepository {
  /** Asked on every request whose secret is not cached; compiled once, as the user look-up. */
  private readonly byId: CompiledQuery<Selectable<ClientsTable>>;

  constructor(private readonly db: Db) {
    super();
    this.byId = db.selectFrom('clients').selectAll().where('id', '=', '').compile();
  }

  async findById(id: string): Promise<ClientRecord | undefined> {
    const { rows } = await this.db.executeQuery<Selectable<ClientsTable>>({ ...this.byId, parameters: [id] });
    return rows[0] && toRecord(rows[0]);
  }

  async list(): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().orderBy('name').execute();
    return rows.map(toRecord);
  }

  async insert(client: ClientRecord): Promise<boolean> {
    // The unique name decides, so two instances creating the same client cannot both succeed.
    try {
      await this.db
        .insertInto('clients')
        .values({
          id: client.id,
          name: client.name,
          secret_hash: client.secretHash,
          scopes: client.scopes.join(' '),
          forwards_end_user_address: client.forwardsEndUserAddress ? 1 : 0,
          created_at: client.createdAt,
          revoked_at: null,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async update(id: string, changes: { name?: string; scopes?: string[] }): Promise<'updated' | 'not-found' | 'name-taken'> {
    const set: { name?: string; scopes?: string } = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.scopes !== undefined) set.scopes = changes.scopes.join(' ');
    try {
      const query = this.db.updateTable('clients').where('id', '=', id).where('revoked_at', 'is', null);
      const result = await (Object.keys(set).length ? query.set(set) : query.set({ id })).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0 ? 'updated' : 'not-found';
    } catch (error) {
      if (isUniqueViolation(error)) return 'name-taken';
      throw error;
    }
  }

  async rotate(id: string, secretHash: string, previousExpiresAt: string): Promise<boolean> {
    // One statement: the old hash moves aside as the new one takes its place, so no instance
    // ever sees a row with neither.
    const result = await this.db
      .updateTable('clients')
      .set((eb) => ({ previous_secret_hash: eb.ref('secret_hash'), previous_secret_expires_at: previousExpiresAt, secret_hash: secretHash }))
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('clients').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const result = await this.db.updateTable('clients').set({ revoked_at: at }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
