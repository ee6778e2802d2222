import { Injectable } from '@nestjs/common';
import type { Db } from './database';
import type { SsoKeysTable, SsoUsedTicketsTable, SsoWikisTable } from './schema';

export interface SsoKeyRecord {
  kid: string;
  publicX: string;
  privatePem: string;
  createdAt: string;
  retiredAt: string | null;
}

export interface SsoWikiRecord {
  id: string;
  url: string;
  clientId: string | null;
  createdAt: string;
}

export abstract class SsoKeyRepository {
  /** Newest first. */
  abstract list(): Promise<SsoKeyRecord[]>;
  abstract insert(key: SsoKeyRecord): Promise<void>;
  /** Retires every key except `keep` that is not retired yet. */
  abstract retireAllBut(keep: string, at: string): Promise<number>;
  abstract deleteRetiredBefore(at: string): Promise<number>;
}

export abstract class UsedTicketRepository {
  /** True the first time a jti is seen, false ever after: one INSERT, atomic across instances. */
  abstract consume(jti: string, expiresAt: string, usedAt: string): Promise<boolean>;
  abstract purgeExpired(before: string): Promise<number>;
}

export abstract class SsoWikiRepository {
  abstract list(): Promise<SsoWikiRecord[]>;
  abstract find(id: string): Promise<SsoWikiRecord | undefined>;
  abstract upsert(wiki: SsoWikiRecord): Promise<void>;
  abstract remove(id: string): Promise<boolean>;
}

@Injectable()
export class KyselySsoKeyRepository extends SsoKeyRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async list(): Promise<SsoKeyRecord[]> {
    const rows = await this.db.selectFrom('sso_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
    return rows.map((r) => ({ kid: r.kid, publicX: r.public_x, privatePem: r.private_pem, createdAt: r.created_at, retiredAt: r.retired_at }));
  }

  async insert(key: SsoKeyRecord): Promise<void> {
    await this.db
      .insertInto('sso_keys')
      .values({ kid: key.kid, public_x: key.publicX, private_pem: key.privatePem, created_at: key.createdAt, retired_at: key.retiredAt })
      .execute();
  }

  async retireAllBut(keep: string, at: string): Promise<number> {
    const result = await this.db.updateTable('sso_keys').set({ retired_at: at }).where('kid', '!=', keep).where('retired_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteRetiredBefore(at: string): Promise<number> {
    const result = await this.db.deleteFrom('sso_keys').where('retired_at', 'is not', null).where('retired_at', '<', at).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

@Injectable()
export class KyselyUsedTicketRepository extends UsedTicketRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async consume(jti: string, expiresAt: string, usedAt: string): Promise<boolean> {
    const result = await this.db
      .insertInto('sso_used_tickets')
      .values({ jti, expires_at: expiresAt, used_at: usedAt })
      .onConflict((oc) => oc.column('jti').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async purgeExpired(before: string): Promise<number> {
    const result = await this.db.deleteFrom('sso_used_tickets').where('expires_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

@Injectable()
export class KyselySsoWikiRepository extends SsoWikiRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async list(): Promise<SsoWikiRecord[]> {
    const rows = await this.db.selectFrom('sso_wikis').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, url: r.url, clientId: r.client_id, createdAt: r.created_at }));
  }

  async find(id: string): Promise<SsoWikiRecord | undefined> {
    const r = await this.db.selectFrom('sso_wikis').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, url: r.url, clientId: r.client_id, createdAt: r.created_at };
  }

  async upsert(wiki: SsoWikiRecord): Promise<void> {
    await this.db
      .insertInto('sso_wikis')
      .values({ id: wiki.id, url: wiki.url, client_id: wiki.clientId, created_at: wiki.createdAt })
      .onConflict((oc) => oc.column('id').doUpdateSet({ url: wiki.url, client_id: wiki.clientId }))
      .execute();
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sso_wikis').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
