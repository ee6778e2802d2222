import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientAuthGuard } from './client-auth.guard';

@Module({
  providers: [{ provide: APP_GUARD, useClass: ClientAuthGuard }],
})
export class ClientsModule {}
