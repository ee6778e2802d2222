import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { createValidationPipe } from '../problem/validation';
import { VerifyRequestDto } from './dto/verify-request.dto';
import { LOCAL_VERIFY } from './local-verify.strategy';

/**
 * Guards run before pipes, so the body is validated here, before passport-local reads it:
 * a missing or oversized password must be a 400 problem, never a hash computation.
 */
@Injectable()
export class VerifyCredentialsGuard extends AuthGuard(LOCAL_VERIFY) {
  private readonly validation = createValidationPipe();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    request.body = await this.validation.transform(request.body, { type: 'body', metatype: VerifyRequestDto });
    return (await super.canActivate(context)) as boolean;
  }

  getAuthenticateOptions() {
    return { property: 'verification', session: false };
  }
}
