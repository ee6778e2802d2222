import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@authbridge/config';
import { Argon2PasswordHasher, MultiFormatPasswordHasher, PasswordHasher } from '@authbridge/passwords';
import { BruteForceRepository, DATABASE, poolUse, ServerSecretRepository, SourceAccountRepository, StorageModule, UserRepository, type Db } from '@authbridge/storage';
import { AuditLog } from './audit/audit-log';
import { BruteForceGuard } from './brute-force/brute-force-guard';
import { AccountLocks } from './brute-force/account-locks';
import { KeyedHashes } from './brute-force/keyed-hashes';
import { AccountsService } from './accounts.service';
import { ClientCredentials } from './client-credentials';
import { Clock, SystemClock } from './clock';
import { CredentialVerifier } from './credential-verifier';
import { Metrics } from './metrics/metrics';
import { SSO_SETTINGS, SsoKeys, SsoTickets, SsoWikis } from './sso';
import { AccountNotifications, BackChannelTokens, FetchWikiNotifier, NOTIFY_SETTINGS, WikiNotifier } from './lifecycle';
import { UserImporter } from './import';
import { openUserDirectory, UserDirectory, type OpenedDirectory } from './sources';

const OPENED_DIRECTORY = Symbol('OPENED_DIRECTORY');

/** Closes the website database's pool with the application. */
class DirectoryCloser implements OnApplicationShutdown {
  constructor(@Inject(OPENED_DIRECTORY) private readonly opened: OpenedDirectory) {}
  async onApplicationShutdown(): Promise<void> {
    await this.opened.close();
  }
}

/** Users, client credentials and password checks over the configured store; used by the API and the CLI. */
@Module({})
export class AccountsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AccountsModule,
      global: true,
      imports: [StorageModule.forRoot(config.databaseUrl, { poolSize: config.databasePoolSize })],
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: Metrics, useFactory: (db: Db) => new Metrics().watching(() => poolUse(db)), inject: [DATABASE] },
        // Imported users keep their old hashes until their next login rehashes them to argon2id.
        { provide: PasswordHasher, useValue: new MultiFormatPasswordHasher(new Argon2PasswordHasher(config.argon2)) },
        { provide: KeyedHashes, useFactory: (secrets: ServerSecretRepository, clock: Clock) => new KeyedHashes(secrets, clock), inject: [ServerSecretRepository, Clock] },
        {
          provide: BruteForceGuard,
          useFactory: (counters: BruteForceRepository, clock: Clock, keyed: KeyedHashes) => new BruteForceGuard(counters, clock, config.throttle, keyed),
          inject: [BruteForceRepository, Clock, KeyedHashes],
        },
        {
          provide: OPENED_DIRECTORY,
          useFactory: (users: UserRepository, links: SourceAccountRepository, hasher: PasswordHasher, clock: Clock) =>
            openUserDirectory(config.userSource, { users, links, hasher, clock }),
          inject: [UserRepository, SourceAccountRepository, PasswordHasher, Clock],
        },
        { provide: UserDirectory, useFactory: (opened: OpenedDirectory) => opened.directory, inject: [OPENED_DIRECTORY] },
        DirectoryCloser,
        AuditLog,
        AccountLocks,
        AccountsService,
        ClientCredentials,
        CredentialVerifier,
        { provide: SSO_SETTINGS, useValue: config.sso },
        SsoKeys,
        SsoWikis,
        SsoTickets,
        { provide: NOTIFY_SETTINGS, useValue: { ...config.notify, timeoutMs: config.sso.logoutTimeoutMs, ...config.audit } },
        { provide: WikiNotifier, useClass: FetchWikiNotifier },
        BackChannelTokens,
        AccountNotifications,
        UserImporter,
      ],
      exports: [Metrics, KeyedHashes, UserDirectory, AccountsService, ClientCredentials, CredentialVerifier, PasswordHasher, Clock, BruteForceGuard, AuditLog, AccountLocks, SSO_SETTINGS, SsoKeys, SsoWikis, SsoTickets, AccountNotifications, WikiNotifier, NOTIFY_SETTINGS, UserImporter],
    };
  }
}
