import { Module } from '@nestjs/common';
import { FetchLogoutNotifier, LogoutNotifier } from './logout-notifier';
import { JwksController, SsoController } from './sso.controller';
import { SsoLogoutService } from './sso-logout.service';
import { SsoKeyBootstrap } from './sso-key-bootstrap';

@Module({
  controllers: [SsoController, JwksController],
  providers: [{ provide: LogoutNotifier, useClass: FetchLogoutNotifier }, SsoLogoutService, SsoKeyBootstrap],
})
export class SsoModule {}
