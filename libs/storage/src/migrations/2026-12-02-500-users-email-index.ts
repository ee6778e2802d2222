import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The admin look-up by email (`GET /v1/users?email=`, Special:AuthBridge) compares lower(email):
 * people type addresses in any case. An expression index keeps it from reading every user;
 * SQLite and PostgreSQL both index expressions.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await sql`create index users_email_lower on users (lower(email))`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`drop index users_email_lower`.execute(db);
  },
};
