import { type Kysely, type Migration } from 'kysely';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sso_keys')
      .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('public_x', 'varchar(64)', (c) => c.notNull())
      .addColumn('private_pem', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('retired_at', 'varchar(32)')
      .execute();
    await db.schema
      .createTable('sso_used_tickets')
      .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('used_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sso_used_tickets_expires_at').on('sso_used_tickets').column('expires_at').execute();
    await db.schema
      .createTable('sso_wikis')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('client_id', 'varchar(64)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('sso_wikis').execute();
    await db.schema.dropTable('sso_used_tickets').execute();
    await db.schema.dropTable('sso_keys').execute();
  },
};
