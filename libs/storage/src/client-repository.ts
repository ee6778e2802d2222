import { Injectable } from '@nestjs/common';
import type { Db } from './database';
import type { ClientRecord } from './records';

export abstract class ClientRepository {
  abstract findById(id: string): Promise<ClientRecord | undefined>;
  abstract list(): Promise<ClientRecord[]>;
  /** Returns false when the name is taken. */
  abstract insert(client: ClientRecord): Promise<boolean>;
  abstract revoke(id: string, at: string): Promise<boolean>;
}

@Injectable()
export class KyselyClientRepository extends ClientRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async findById(id: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, name: row.name, secretHash: row.secret_hash, scopes: row.scopes.split(' ').filter(Boolean), createdAt: row.created_at, revokedAt: row.revoked_at };
  }

  async list(): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().orderBy('name').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, secretHash: row.secret_hash, scopes: row.scopes.split(' ').filter(Boolean), createdAt: row.created_at, revokedAt: row.revoked_at }));
  }

  async insert(client: ClientRecord): Promise<boolean> {
    const existing = await this.db.selectFrom('clients').select('id').where('name', '=', client.name).executeTakeFirst();
    if (existing) return false;
    await this.db
      .insertInto('clients')
      .values({ id: client.id, name: client.name, secret_hash: client.secretHash, scopes: client.scopes.join(' '), created_at: client.createdAt, revoked_at: null })
      .execute();
    return true;
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const result = await this.db.updateTable('clients').set({ revoked_at: at }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
