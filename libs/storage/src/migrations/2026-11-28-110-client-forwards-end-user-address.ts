import { type Kysely, type Migration } from 'kysely';

/** Which clients may tell the API the end user's address (SPEC.md, "The end user's address"). */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('clients').addColumn('forwards_end_user_address', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
