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
  };
}

export abstract class ClientRepository {
  abstract findById(id: string): Promise<ClientRecord | undefined>;
  abstract list(): Promise<ClientRecord[]>;
  /** Returns false when the name is taken. */
  abstract insert(client: ClientRecord): Promise<boolean>;
  abstract revoke(id: string, at: string): Promise<boolean>;
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

  async revoke(id: string, at: string): Promise<boolean> {
    const result = await this.db.updateTable('clients').set({ revoked_at: at }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
