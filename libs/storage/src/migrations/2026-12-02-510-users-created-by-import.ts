import { type Kysely, type Migration } from 'kysely';

/**
 * Provenance of a user row: 1 when `users import` created it, 0 when the API, the CLI's
 * `users create` or anything else did. An import updates only rows an import created, so a
 * legacy "alice" cannot take over the existing "Alice" (security review, issue 10, item 2).
 *
 * Rows that exist before this migration get 0 ("not imported"), even those an older import
 * created: that older import updated any row with the same canonical name, so which rows it
 * made can no longer be told apart. The safe side is a collision report at the next import;
 * the admin who knows the file owns those accounts runs it once with `--overwrite-existing`.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('created_by_import', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('users').dropColumn('created_by_import').execute();
  },
};
