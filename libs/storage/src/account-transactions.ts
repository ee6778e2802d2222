import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { AccountEventRepository, KyselyAccountEventRepository } from './account-event-repository';
import { isPostgres, type Db } from './database';
import { KyselyUserRepository, UserRepository } from './user-repository';

/** The repositories of one transaction. */
export interface AccountStore {
  users: UserRepository;
  events: AccountEventRepository;
  /**
   * Locks the user's row until the transaction ends, so what is read next is what the change
   * applies to, and two changes of one user take their event `seq` in commit order.
   */
  lockUser(username: string): Promise<void>;
}

/** A change of a user and the outbox rows that tell the wikis about it, committed together. */
export abstract class AccountTransactions {
  abstract run<T>(work: (store: AccountStore) => Promise<T>): Promise<T>;
}

@Injectable()
export class KyselyAccountTransactions extends AccountTransactions {
  constructor(private readonly db: Db) {
    super();
  }

  run<T>(work: (store: AccountStore) => Promise<T>): Promise<T> {
    if (isPostgres(this.db)) {
      return this.db.transaction().execute((trx) => work({
        users: new KyselyUserRepository(trx),
        events: new KyselyAccountEventRepository(trx),
        lockUser: async (username) => {
          await trx.selectFrom('users').select('id').where('username', '=', username).forUpdate().execute();
        },
      }));
    }
    // SQLite: BEGIN IMMEDIATE takes the write lock first (waiting up to busy_timeout), so a
    // read-then-write transaction never fails on a snapshot another process (the CLI) moved on.
    return this.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await work({ users: new KyselyUserRepository(conn), events: new KyselyAccountEventRepository(conn), lockUser: async () => undefined });
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
  }
}
