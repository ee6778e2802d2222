import { DomainError } from '@authbridge/contract';
import { PasswordHasher, preparePassword } from '@authbridge/passwords';
import { UserRepository, type UserRecord } from '@authbridge/storage';
import { counterName } from '../brute-force/counter-name';
import { Clock } from '../clock';
import { decodeCursor, encodeCursor } from '../cursor';
import { canonicalizeUsername, usernamePrefix } from '../username';
import { UserDirectory, type DirectoryPage, type LoginAttempt } from './user-directory';

/** USER_SOURCE=local: AuthBridge's own store, as before sources existed. */
export class LocalUserDirectory extends UserDirectory {
  readonly kind = 'local' as const;
  readonly readOnly = false;

  constructor(private readonly users: UserRepository, private readonly hasher: PasswordHasher, private readonly clock: Clock) {
    super();
  }

  async beginLogin(typed: string): Promise<LoginAttempt> {
    const canonical = canonicalizeUsername(typed);
    const username = canonical.ok ? canonical.name : counterName(typed);
    const user = canonical.ok ? await this.users.findByUsername(username) : undefined;
    return {
      username,
      exists: user !== undefined,
      check: async (password) => {
        // Unknown users and users without a password cost a full verification against a dummy hash,
        // so response time does not tell an attacker which names exist.
        const hash = user?.passwordHash ?? (await this.hasher.dummyHash());
        // An imported hash is of what the website made of the password (phpBB escaped it, WordPress trimmed it).
        const check = await this.hasher.verify(hash, preparePassword(user?.passwordPreparation ?? null, password));
        if (!user) return { outcome: 'NO_SUCH_USER' };
        if (!user.passwordHash || !check.ok) return { outcome: 'WRONG_PASSWORD' };
        // Imported hashes become argon2id at the first login; a disabled user's too (they knew the password).
        // A phpBB-prepared one does even when it is argon2id already: the new hash is of the
        // password as typed, and the preparation is cleared with it (the escaping was phpBB's
        // storage detail). WordPress's trim is kept: WordPress accepts the password with or
        // without surrounding spaces, and so does the wiki after the move, before and after the rehash.
        const keep = user.passwordPreparation === 'trim' ? 'trim' : null;
        if (check.needsRehash || user.passwordPreparation !== keep) {
          const passwordHash = await this.hasher.hash(preparePassword(keep, password));
          // Only over the hash just checked: a reset that landed meanwhile wins (then nothing is written).
          await this.users.replacePasswordHash(user.username, user.passwordHash, passwordHash, this.clock.now().toISOString(), keep);
        }
        return { outcome: 'PASS', user };
      },
    };
  }

  findByUsername(wikiName: string): Promise<UserRecord | undefined> {
    return this.users.findByUsername(wikiName);
  }

  findByLogin(typed: string): Promise<UserRecord | undefined> {
    const canonical = canonicalizeUsername(typed);
    if (!canonical.ok) throw new DomainError('INVALID_USERNAME', `MediaWiki would refuse this user name: ${canonical.reason}`);
    return this.users.findByUsername(canonical.name);
  }

  async findByWebsiteId(): Promise<UserRecord | undefined> {
    throw new DomainError('VALIDATION_FAILED', 'websiteUserId needs a user source (USER_SOURCE=sql); name the user with username.', [
      { field: 'websiteUserId', message: 'websiteUserId is only accepted with a user source' },
    ]);
  }

  async list({ prefix, cursor, limit }: { prefix: string; cursor?: string; limit: number }): Promise<DirectoryPage> {
    const after = cursor === undefined ? undefined : decodeCursor('u', cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.users.list({ prefix: usernamePrefix(prefix), after, limit: limit + 1 });
    const users = rows.slice(0, limit);
    return { users, nextCursor: rows.length > limit ? encodeCursor('u', users[users.length - 1].username) : null };
  }

  findByEmail(email: string, limit: number): Promise<UserRecord[]> {
    return this.users.findByEmail(email, limit);
  }

  async ready(): Promise<void> {
    // The store itself is checked by the health controller.
  }
}
