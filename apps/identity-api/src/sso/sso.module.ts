import { Module } from '@nestjs/common';
import { FetchLogoutNotifier, LogoutNotifier } from './logout-notifier';
import { JwksController, SsoController } from './sso.controller';

@Module({
  controllers: [SsoController, JwksController],
  providers: [{ provide: LogoutNotifier, useClass: FetchLogoutNotifier }],
})
export class SsoModule {}
