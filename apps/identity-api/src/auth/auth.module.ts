import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { LocalVerifyStrategy } from './local-verify.strategy';
import { VerifyController } from './verify.controller';

@Module({
  imports: [PassportModule],
  controllers: [VerifyController],
  providers: [LocalVerifyStrategy],
})
export class AuthModule {}
