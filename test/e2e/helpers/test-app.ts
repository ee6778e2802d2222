import { Writable } from 'node:stream';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import request from 'supertest';
import { AccountsService, ClientCredentials, Clock } from '@authbridge/accounts';
import { loadConfig, type AppConfig } from '@authbridge/config';
import { SCOPES, type Scope } from '@authbridge/contract';
import { isPostgresUrl } from '@authbridge/storage';
import { AppModule } from '../../../apps/identity-api/src/app.module';
import { configureApp } from '../../../apps/identity-api/src/app.setup';
import { PinoLoggerService, REDACTED_PATHS } from '../../../apps/identity-api/src/logging/pino-logger';
import { createScratchDatabase } from './scratch-database';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  accounts: AccountsService;
  /** Bearer secrets: one with every scope, and one per single scope. */
  secrets: Record<'all' | Scope, string>;
  /** Every log line the app wrote, to prove nothing secret is in them. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Boots the real application (real HTTP stack, real store) on a database of its own: in-memory
 * SQLite, or a fresh PostgreSQL database when TEST_DATABASE_URL is a postgres:// URL.
 * `clock` replaces the system clock everywhere the application asks for the time.
 */
export async function createTestApp(env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestApp> {
  const base = process.env.TEST_DATABASE_URL ?? 'sqlite::memory:';
  const scratch = isPostgresUrl(base) && env.DATABASE_URL === undefined ? await createScratchDatabase(base) : undefined;
  const config: AppConfig = loadConfig({ DATABASE_URL: scratch?.url ?? base, LOG_LEVEL: 'info', ...env });
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  // A clock the test moves, for limits that span hours or days.
  if (options.clock) builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: new PinoLoggerService(logger) });
  configureApp(app, config, logger);
  await app.init();
  const clients = app.get(ClientCredentials);
  const suffix = Math.random().toString(36).slice(2, 8);
  const secrets = {} as Record<'all' | Scope, string>;
  // Every scope there is, from the contract's list, so a new scope cannot be left out again.
  secrets.all = (await clients.create(`all-${suffix}`, [...SCOPES])).secret;
  for (const scope of ['auth:verify', 'users:read', 'users:write', 'sso:issue', 'sso:redeem', 'audit:read'] as Scope[]) {
    secrets[scope] = (await clients.create(`${scope.replace(':', '-')}-${suffix}`, [scope])).secret;
  }
  // users:password only adds to users:write (a password reset is a write): the administrator's reset credential.
  secrets['users:password'] = (await clients.create(`users-password-${suffix}`, ['users:write', 'users:password'])).secret;
  return {
    app,
    http: request(app.getHttpServer()),
    accounts: app.get(AccountsService),
    secrets,
    logs,
    close: async () => {
      await app.close();
      await scratch?.drop();
    },
  };
}

export const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
