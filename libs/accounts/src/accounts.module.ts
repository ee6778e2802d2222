import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@authbridge/config';
import { Argon2PasswordHasher, MultiFormatPasswordHasher, PasswordHasher } from '@authbridge/passwords';
import { StorageModule, ThrottleRepository } from '@authbridge/storage';
import { AccountsService } from './accounts.service';
import { ClientCredentials } from './client-credentials';
import { Clock, SystemClock } from './clock';
import { CredentialVerifier } from './credential-verifier';
import { LoginThrottle } from './login-throttle';
import { SSO_SETTINGS, SsoKeys, SsoTickets, SsoWikis } from './sso';

/** Users, client credentials and password checks over the configured store; used by the API and the CLI. */
@Module({})
export class AccountsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AccountsModule,
      global: true,
      imports: [StorageModule.forRoot(config.databaseUrl)],
      providers: [
        { provide: Clock, useClass: SystemClock },
        // Imported users keep their old hashes until their next login rehashes them to argon2id.
        { provide: PasswordHasher, useValue: new MultiFormatPasswordHasher(new Argon2PasswordHasher(config.argon2)) },
        {
          provide: LoginThrottle,
          useFactory: (repository: ThrottleRepository, clock: Clock) => new LoginThrottle(repository, clock, config.throttle),
          inject: [ThrottleRepository, Clock],
        },
        AccountsService,
        ClientCredentials,
        CredentialVerifier,
        { provide: SSO_SETTINGS, useValue: config.sso },
        SsoKeys,
        SsoWikis,
        SsoTickets,
      ],
      exports: [AccountsService, ClientCredentials, CredentialVerifier, PasswordHasher, Clock, LoginThrottle, SSO_SETTINGS, SsoKeys, SsoWikis, SsoTickets],
    };
  }
}
