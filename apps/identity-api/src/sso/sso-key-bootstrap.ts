import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SsoKeys } from '@authbridge/accounts';

/**
 * Makes the signing key at start-up rather than on the first ticket, so /.well-known/jwks.json
 * has a key before any wiki asks. Instances starting together may each add one: all are
 * published, and all sign with the newest.
 */
@Injectable()
export class SsoKeyBootstrap implements OnApplicationBootstrap {
  constructor(private readonly keys: SsoKeys) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.keys.signingKey();
  }
}
