import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Db } from './database';

/** One authentication or administration event. Never holds a password, a hash or a secret. */
export interface AuditRecord {
  id: string;
  /** RFC 3339 UTC with milliseconds; sorts as text. */
  at: string;
  event: string;
  outcome: string;
  username: string | null;
  clientId: string | null;
  address: string | null;
  /** A password hash was computed for this event (verify only). */
  passwordChecked: boolean;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  username?: string | string[];
  event?: string;
  /** Events at or after this time. */
  since?: string;
  /** Events strictly before this (at, id) position: the page boundary. */
  before?: { at: string; id: string };
  limit: number;
}

export abstract class AuditRepository {
  abstract insert(record: AuditRecord): Promise<void>;
  /** Newest first. */
  abstract list(query: AuditQuery): Promise<AuditRecord[]>;
  /** Deletes events older than `before`; answers how many. */
  abstract prune(before: string): Promise<number>;
}

@Injectable()
export class KyselyAuditRepository extends AuditRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async insert(record: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: record.id,
        at: record.at,
        event: record.event,
        outcome: record.outcome,
        username: record.username,
        client_id: record.clientId,
        address: record.address,
        password_checked: record.passwordChecked ? 1 : 0,
        detail_json: JSON.stringify(record.detail),
      })
      .execute();
  }

  async list({ username, event, since, before, limit }: AuditQuery): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
    if (username !== undefined) query = typeof username === 'string' ? query.where('username', '=', username) : query.where('username', 'in', username);
    if (event !== undefined) query = query.where('event', '=', event);
    if (since !== undefined) query = query.where('at', '>=', since);
    if (before) query = query.where(sql<boolean>`(at < ${before.at} or (at = ${before.at} and id < ${before.id}))`);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      event: row.event,
      outcome: row.outcome,
      username: row.username,
      clientId: row.client_id,
      address: row.address,
      passwordChecked: Boolean(row.password_checked),
      detail: JSON.parse(row.detail_json) as Record<string, unknown>,
    }));
  }

  async prune(before: string): Promise<number> {
    const result = await this.db.deleteFrom('audit_events').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
