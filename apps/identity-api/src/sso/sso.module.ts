import { Module } from '@nestjs/common';
import { AccountNotificationsPoller } from './account-notifications-poller';
import { JwksController, SsoController } from './sso.controller';
import { SsoLogoutService } from './sso-logout.service';
import { SsoKeyBootstrap } from './sso-key-bootstrap';

@Module({
  controllers: [SsoController, JwksController],
  providers: [SsoLogoutService, SsoKeyBootstrap, AccountNotificationsPoller],
})
export class SsoModule {}
