import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from '@authbridge/accounts';
import { APP_CONFIG, type AppConfig } from '@authbridge/config';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { HealthController } from './health/health.controller';
import { UsersModule } from './users/users.module';
import { SsoModule } from './sso/sso.module';
import { LocksModule } from './locks/locks.module';
import { AuditModule } from './audit/audit.module';
import { MetricsServer } from './metrics/metrics-endpoint';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [AccountsModule.forRoot(config), ClientsModule, AuthModule, UsersModule, SsoModule, LocksModule, AuditModule.forRoot(config)],
      controllers: [HealthController],
      providers: [{ provide: APP_CONFIG, useValue: config }, MetricsServer],
    };
  }
}
