import { type Kysely, type Migration } from 'kysely';

/**
 * `clients rotate`: the replaced secret's SHA-256 stays valid until `previous_secret_expires_at`
 * (the grace period), so the wiki's LocalSettings.php can be updated without a failed login.
 * `last_used_at`: when the client last authenticated, written at most once a minute per instance.
 */
export const migration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('clients').addColumn('previous_secret_hash', 'text').execute();
    await db.schema.alterTable('clients').addColumn('previous_secret_expires_at', 'text').execute();
    await db.schema.alterTable('clients').addColumn('last_used_at', 'text').execute();
  },
};
