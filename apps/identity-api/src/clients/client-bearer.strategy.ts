import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { ClientCredentials, type AuthenticatedClient } from '@authbridge/accounts';

export const CLIENT_BEARER = 'client-bearer';

/** `Authorization: Bearer abk_…` → the calling client, or a 401. */
@Injectable()
export class ClientBearerStrategy extends PassportStrategy(Strategy, CLIENT_BEARER) {
  constructor(private readonly credentials: ClientCredentials) {
    super();
  }

  async validate(secret: string): Promise<AuthenticatedClient | false> {
    return (await this.credentials.authenticate(secret)) ?? false;
  }
}
