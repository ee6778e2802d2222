import { type Kysely, type Migration } from 'kysely';

/**
 * The account-wide ceiling on password checks and what it needs (security review, issue 10,
 * items 3 and 8; SPEC.md, "Brute-force protection"):
 * - `account_check_heads`: one row per counted name, the row a check locks (SELECT … FOR UPDATE
 *   on PostgreSQL through an upsert) so that concurrent checks of one account, on any instance,
 *   take the ceiling in turn and it is never exceeded;
 * - `account_check_buckets`: checks per name per minute, summed over the last hour;
 * - `known_addresses`: where a name logged in successfully (a keyed hash of the address, never
 *   the address), which the ceiling lets through;
 * - `server_secrets`: keys shared by every instance, made on first use (the key of those hashes
 *   and of the pseudonyms under which typed names that are no user are counted).
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('account_check_heads')
      .addColumn('username', 'text', (c) => c.notNull().primaryKey())
      .addColumn('last_check_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('account_check_buckets')
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('bucket_start', 'bigint', (c) => c.notNull())
      .addColumn('checks', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('account_check_buckets_pk', ['username', 'bucket_start'])
      .execute();
    await db.schema
      .createTable('known_addresses')
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('address_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('last_success_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('known_addresses_pk', ['username', 'address_hash'])
      .execute();
    await db.schema
      .createTable('server_secrets')
      .addColumn('name', 'varchar(64)', (c) => c.notNull().primaryKey())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['server_secrets', 'known_addresses', 'account_check_buckets', 'account_check_heads']) await db.schema.dropTable(table).execute();
  },
};
