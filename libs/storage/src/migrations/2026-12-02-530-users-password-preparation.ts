import { type Kysely, type Migration } from 'kysely';

/**
 * What a website did to a password before hashing it (`trim`, `phpbb3`), kept beside a hash
 * `users import` brought from it, so the own store checks that hash as the website did. NULL
 * (every existing row, and every hash AuthBridge writes itself): the password as typed.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('password_preparation', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('users').dropColumn('password_preparation').execute();
  },
};
