import { Injectable } from '@nestjs/common';
import { isUniqueViolation, type Db } from './database';

/** A website account's link to its wiki name (table source_accounts). */
export interface SourceAccountLink {
  source: string;
  externalId: string;
  userId: string;
  wikiName: string;
  createdAt: string;
}

export abstract class SourceAccountRepository {
  abstract findByExternalId(source: string, externalId: string): Promise<SourceAccountLink | undefined>;
  abstract findByWikiName(wikiName: string): Promise<SourceAccountLink | undefined>;
  /**
   * Claims a wiki name for a website account in one INSERT: false when the name (or the account)
   * is taken already, so concurrent first logins on several API instances never share a name.
   */
  abstract claim(link: SourceAccountLink): Promise<boolean>;
}

type Row = { source: string; external_id: string; user_id: string; wiki_name: string; created_at: string };

function toLink(row: Row): SourceAccountLink {
  return { source: row.source, externalId: row.external_id, userId: row.user_id, wikiName: row.wiki_name, createdAt: row.created_at };
}

@Injectable()
export class KyselySourceAccountRepository extends SourceAccountRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async findByExternalId(source: string, externalId: string): Promise<SourceAccountLink | undefined> {
    const row = await this.db.selectFrom('source_accounts').selectAll().where('source', '=', source).where('external_id', '=', externalId).executeTakeFirst();
    return row && toLink(row);
  }

  async findByWikiName(wikiName: string): Promise<SourceAccountLink | undefined> {
    const row = await this.db.selectFrom('source_accounts').selectAll().where('wiki_name', '=', wikiName).executeTakeFirst();
    return row && toLink(row);
  }

  async claim(link: SourceAccountLink): Promise<boolean> {
    try {
      await this.db
        .insertInto('source_accounts')
        .values({ source: link.source, external_id: link.externalId, user_id: link.userId, wiki_name: link.wikiName, created_at: link.createdAt })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
