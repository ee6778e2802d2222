import { type Kysely, type Migration } from 'kysely';

/**
 * SHA-256 of the password hash an import last wrote. A re-import changes the password only
 * when the source's hash changed since, so it neither undoes the argon2id rehash of a user
 * who logged in meanwhile nor rewrites rows that did not change.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('imported_hash_sha256', 'varchar(64)').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('users').dropColumn('imported_hash_sha256').execute();
  },
};
