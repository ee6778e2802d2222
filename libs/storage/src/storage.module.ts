import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { openDatabase, type DatabaseOptions, type Db } from './database';
import { migrateToLatest } from './migrations';
import { UserRepository, KyselyUserRepository } from './user-repository';
import { ClientRepository, KyselyClientRepository } from './client-repository';
import { BruteForceRepository, KyselyBruteForceRepository } from './brute-force-repository';
import { KyselyServerSecretRepository, ServerSecretRepository } from './server-secret-repository';
import { AuditRepository, KyselyAuditRepository } from './audit-repository';
import { KyselySourceAccountRepository, SourceAccountRepository } from './source-account-repository';
import { AccountEventRepository, KyselyAccountEventRepository } from './account-event-repository';
import { AccountTransactions, KyselyAccountTransactions } from './account-transactions';
import { KyselyUserImportRepository, UserImportRepository } from './user-import-repository';
import { KyselySsoKeyRepository, KyselySsoWikiRepository, KyselyUsedTicketRepository, SsoKeyRepository, SsoWikiRepository, UsedTicketRepository } from './sso-repository';

export const DATABASE = Symbol('DATABASE');

class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Db) {}
  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/** Opens the store named by DATABASE_URL, brings its schema up to date, and provides the repositories. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(databaseUrl: string, options: Pick<DatabaseOptions, 'poolSize'> = {}): DynamicModule {
    const logger = new Logger('Storage');
    return {
      module: StorageModule,
      providers: [
        {
          provide: DATABASE,
          useFactory: async () => {
            const { db } = openDatabase(databaseUrl, {
              ...options,
              onPoolError: (error) => logger.warn({ msg: 'a pooled database connection failed; it will be replaced', error: error.message }),
            });
            // On PostgreSQL the migrator holds an advisory lock, so instances starting together migrate once.
            await migrateToLatest(db);
            return db;
          },
        },
        DatabaseCloser,
        { provide: UserRepository, useFactory: (db: Db) => new KyselyUserRepository(db), inject: [DATABASE] },
        { provide: ClientRepository, useFactory: (db: Db) => new KyselyClientRepository(db), inject: [DATABASE] },
        { provide: BruteForceRepository, useFactory: (db: Db) => new KyselyBruteForceRepository(db), inject: [DATABASE] },
        { provide: AuditRepository, useFactory: (db: Db) => new KyselyAuditRepository(db), inject: [DATABASE] },
        { provide: SsoKeyRepository, useFactory: (db: Db) => new KyselySsoKeyRepository(db), inject: [DATABASE] },
        { provide: UsedTicketRepository, useFactory: (db: Db) => new KyselyUsedTicketRepository(db), inject: [DATABASE] },
        { provide: SsoWikiRepository, useFactory: (db: Db) => new KyselySsoWikiRepository(db), inject: [DATABASE] },
        { provide: SourceAccountRepository, useFactory: (db: Db) => new KyselySourceAccountRepository(db), inject: [DATABASE] },
        { provide: AccountEventRepository, useFactory: (db: Db) => new KyselyAccountEventRepository(db), inject: [DATABASE] },
        { provide: AccountTransactions, useFactory: (db: Db) => new KyselyAccountTransactions(db), inject: [DATABASE] },
        { provide: UserImportRepository, useFactory: (db: Db) => new KyselyUserImportRepository(db), inject: [DATABASE] },
        { provide: ServerSecretRepository, useFactory: (db: Db) => new KyselyServerSecretRepository(db), inject: [DATABASE] },
      ],
      exports: [DATABASE, UserRepository, ClientRepository, BruteForceRepository, AuditRepository, SsoKeyRepository, UsedTicketRepository, SsoWikiRepository, SourceAccountRepository, AccountEventRepository, AccountTransactions, UserImportRepository, ServerSecretRepository],
    };
  }
}
