import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { PasswordCheck, PasswordHasher } from './password-hasher';
import { Argon2PasswordHasher } from './argon2-hasher';
import { inspectHash, verifyLegacyHash } from './formats/hash-formats';

/** How many distinct unusable hashes are remembered as already logged before the memory starts again. */
const LOGGED_UNUSABLE_LIMIT = 10_000;

/**
 * The application's hasher: new hashes are argon2id with the configured parameters; hashes
 * brought in by an import (bcrypt, phpass, WordPress, MediaWiki's, argon2 with other
 * parameters) still verify, and always ask for a rehash, so CredentialVerifier replaces them
 * with argon2id at the next successful login. An unrecognised hash, or one whose parameters are
 * outside COST_BOUNDS, is a failed check that is never computed.
 */
export class MultiFormatPasswordHasher extends PasswordHasher {
  private readonly logger = new Logger('PasswordHasher');
  private readonly loggedUnusable = new Set<string>();

  constructor(private readonly current: Argon2PasswordHasher) {
    super();
  }

  hash(password: string): Promise<string> {
    return this.current.hash(password);
  }

  dummyHash(): Promise<string> {
    return this.current.dummyHash();
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    const inspection = inspectHash(hash);
    if (inspection.ok && inspection.format === 'argon2') return this.current.verify(hash, password);
    if (inspection.ok && inspection.format === 'mediawiki-argon2') {
      const check = await this.current.verify(hash.slice(':argon2:'.length), password);
      return { ok: check.ok, needsRehash: check.ok };
    }
    let ok = false;
    if (inspection.ok) {
      try {
        ok = await verifyLegacyHash(inspection.format as Parameters<typeof verifyLegacyHash>[0], hash, password);
      } catch {
        // A stored hash the library cannot parse is a failed check, not a server error.
        ok = false;
      }
    } else if (inspection.format !== null) {
      this.logUnusable(hash, inspection.format, inspection.reason);
    }
    // Old formats are cheaper than argon2id, and an unusable hash costs nothing: a wrong password
    // would answer faster than for an unknown user (who costs a dummy argon2id check), so spend
    // the same time here too. A right password on a legacy hash is followed by a rehash instead.
    if (!ok) await this.current.verify(await this.current.dummyHash(), password);
    return { ok, needsRehash: ok };
  }

  /** Once per stored hash (an attacker would repeat the login), and never the hash or the password. */
  private logUnusable(hash: string, format: string, reason: string): void {
    const key = createHash('sha256').update(hash, 'utf8').digest('hex');
    if (this.loggedUnusable.has(key)) return;
    if (this.loggedUnusable.size >= LOGGED_UNUSABLE_LIMIT) this.loggedUnusable.clear();
    this.loggedUnusable.add(key);
    this.logger.warn({ msg: 'refused a stored password hash outside the cost bounds; the account cannot log in until its password is set again', format, reason });
  }
}
