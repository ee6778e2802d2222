import { Injectable } from '@nestjs/common';
import type { Db } from './database';

/** Keys every API instance shares (never shown, never logged), made by whichever instance needs one first. */
export abstract class ServerSecretRepository {
  /** The secret stored under `name`, or `make()` stored and answered when there is none yet. */
  abstract getOrCreate(name: string, make: () => string, now: string): Promise<string>;
}

@Injectable()
export class KyselyServerSecretRepository extends ServerSecretRepository {
  constructor(private readonly db: Db) {
    super();
  }

  async getOrCreate(name: string, make: () => string, now: string): Promise<string> {
    // Two instances starting together may both make one; the first insert wins and both read it.
    await this.db.insertInto('server_secrets').values({ name, secret: make(), created_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
    const row = await this.db.selectFrom('server_secrets').select('secret').where('name', '=', name).executeTakeFirstOrThrow();
    return row.secret;
  }
}
