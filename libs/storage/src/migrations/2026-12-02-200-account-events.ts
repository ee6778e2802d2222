import { type Kysely, type Migration } from 'kysely';
import { isPostgres } from '../database';

/**
 * The outbox of account changes the wikis must hear about (SPEC.md, "The account's life follows
 * the website"): one event per change, one delivery per event and wiki.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    const postgres = isPostgres(db);
    await db.schema
      .createTable('account_events')
      .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('change', 'varchar(16)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('account_event_deliveries')
      .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('wiki_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('claim_token', 'varchar(32)')
      .addColumn('last_http_status', 'integer')
      .addColumn('completed_at', 'bigint')
      .addUniqueConstraint('account_event_deliveries_seq_wiki', ['seq', 'wiki_id'])
      .execute();
    await db.schema.createIndex('account_event_deliveries_due').on('account_event_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('account_events_created_at').on('account_events').column('created_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('account_event_deliveries').execute();
    await db.schema.dropTable('account_events').execute();
  },
};
