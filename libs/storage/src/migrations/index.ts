import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { migration as usersAndClients } from './2026-11-28-001-users-and-clients';
import { migration as usernameByteOrder } from './2026-11-28-100-username-byte-order';
import { migration as clientForwardsEndUserAddress } from './2026-11-28-110-client-forwards-end-user-address';
import { migration as bruteForceCounters } from './2026-11-28-120-brute-force-counters';
import { migration as auditEvents } from './2026-11-28-130-audit-events';
import { migration as usersImportedHash } from './2026-11-28-200-users-imported-hash';
import { migration as sso } from './2026-11-28-900-sso';
import { migration as accountEvents } from './2026-12-02-200-account-events';
import { migration as sourceAccounts } from './2026-12-02-300-source-accounts';
import { migration as clientRotationAndLastUse } from './2026-12-02-301-client-rotation-and-last-use';
import { migration as usersEmailIndex } from './2026-12-02-500-users-email-index';
import { migration as usersCreatedByImport } from './2026-12-02-510-users-created-by-import';
import { migration as accountCheckCeiling } from './2026-12-02-520-account-check-ceiling';
import { migration as usersPasswordPreparation } from './2026-12-02-530-users-password-preparation';

/**
 * Every migration, in the order they run: the one list, so the built API, the CLI and the tests
 * carry the same schema, and no table depends on which repository happened to be imported.
 * Append new ones at the end, one file each, named `YYYY-MM-DD-NNN-what` so names sort in list
 * order (a unit test checks); never edit or reorder a shipped one.
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['2026-11-28-001-users-and-clients', usersAndClients],
  ['2026-11-28-100-username-byte-order', usernameByteOrder],
  ['2026-11-28-110-client-forwards-end-user-address', clientForwardsEndUserAddress],
  ['2026-11-28-120-brute-force-counters', bruteForceCounters],
  ['2026-11-28-130-audit-events', auditEvents],
  ['2026-11-28-200-users-imported-hash', usersImportedHash],
  ['2026-11-28-900-sso', sso],
  ['2026-12-02-200-account-events', accountEvents],
  ['2026-12-02-300-source-accounts', sourceAccounts],
  ['2026-12-02-301-client-rotation-and-last-use', clientRotationAndLastUse],
  ['2026-12-02-500-users-email-index', usersEmailIndex],
  ['2026-12-02-510-users-created-by-import', usersCreatedByImport],
  ['2026-12-02-520-account-check-ceiling', accountCheckCeiling],
  ['2026-12-02-530-users-password-preparation', usersPasswordPreparation],
];

class InCodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(MIGRATIONS);
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
