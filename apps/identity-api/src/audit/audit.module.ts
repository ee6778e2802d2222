import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@authbridge/config';
import { AuditController } from './audit.controller';
import { AuditRetention } from './audit-retention';

@Module({})
export class AuditModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AuditModule, controllers: [AuditController], providers: [{ provide: APP_CONFIG, useValue: config }, AuditRetention] };
  }
}
