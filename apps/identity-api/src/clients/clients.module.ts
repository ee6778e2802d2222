import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ClientAuthGuard } from './client-auth.guard';
import { ClientBearerStrategy } from './client-bearer.strategy';

@Module({
  imports: [PassportModule],
  providers: [ClientBearerStrategy, { provide: APP_GUARD, useClass: ClientAuthGuard }],
})
export class ClientsModule {}
