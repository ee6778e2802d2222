import { type Kysely, type Migration } from 'kysely';

/**
 * Website accounts of a user source (USER_SOURCE=sql) and the wiki name each one was given, keyed
 * on the website's own stable id: a rename on the website never moves a wiki name to someone else.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('source_accounts')
      .addColumn('source', 'varchar(32)', (c) => c.notNull())
      .addColumn('external_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('user_id', 'varchar(36)', (c) => c.notNull().unique())
      .addColumn('wiki_name', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('source_accounts_pkey', ['source', 'external_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('source_accounts').execute();
  },
};
