import { type Kysely, type Migration } from 'kysely';

export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('brute_force_counters')
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('address', 'varchar(64)', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('brute_force_counters_pk', ['kind', 'username', 'address'])
      .execute();
    // The per-account lock of the first release is replaced by these counters.
    await db.schema.dropTable('login_throttle').ifExists().execute();
  },
};
