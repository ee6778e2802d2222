import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { CredentialVerifier } from '@authbridge/accounts';
import type { VerifyResponse } from '@authbridge/contract';
import { callerOf } from '../clients/caller';
import type { VerifyRequestDto } from './dto/verify-request.dto';

export const LOCAL_VERIFY = 'local-verify';

/**
 * passport-local reads username and password from the body. Every outcome, FAIL included,
 * is a successful strategy run: the caller (the wiki) needs the reason, not a bare 401.
 */
@Injectable()
export class LocalVerifyStrategy extends PassportStrategy(Strategy, LOCAL_VERIFY) {
  constructor(private readonly verifier: CredentialVerifier) {
    super({ passReqToCallback: true, session: false });
  }

  validate(request: Request, username: string, password: string): Promise<VerifyResponse> {
    const body = request.body as VerifyRequestDto;
    return this.verifier.verify(username, password, body.context, callerOf(request));
  }
}
