import { type Kysely, type Migration } from 'kysely';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      .addColumn('event', 'varchar(32)', (c) => c.notNull())
      .addColumn('outcome', 'varchar(32)', (c) => c.notNull())
      .addColumn('username', 'text')
      .addColumn('client_id', 'varchar(64)')
      .addColumn('address', 'varchar(64)')
      .addColumn('password_checked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('detail_json', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'id']).execute();
    await db.schema.createIndex('audit_events_username_at').on('audit_events').columns(['username', 'at', 'id']).execute();
  },
};
