import { PasswordCheck, PasswordHasher } from './password-hasher';
import { Argon2PasswordHasher } from './argon2-hasher';
import { recognizeHashFormat, verifyLegacyHash } from './formats/hash-formats';

/**
 * The application's hasher: new hashes are argon2id with the configured parameters; hashes
 * brought in by an import (bcrypt, phpass, WordPress, MediaWiki's, argon2 with other
 * parameters) still verify, and always ask for a rehash, so CredentialVerifier replaces them
 * with argon2id at the next successful login. An unrecognised hash is a failed check.
 */
export class MultiFormatPasswordHasher extends PasswordHasher {
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
    const format = recognizeHashFormat(hash);
    if (format === 'argon2') return this.current.verify(hash, password);
    if (format === 'mediawiki-argon2') {
      const check = await this.current.verify(hash.slice(':argon2:'.length), password);
      return { ok: check.ok, needsRehash: check.ok };
    }
    let ok = false;
    if (format !== null) {
      try {
        ok = await verifyLegacyHash(format, hash, password);
      } catch {
        // A stored hash the library cannot parse is a failed check, not a server error.
        ok = false;
      }
    }
    // Old formats are cheaper than argon2id: a wrong password would answer faster than for an
    // unknown user (who costs a dummy argon2id check), so spend the same time here too.
    if (!ok) await this.current.verify(await this.current.dummyHash(), password);
    return { ok, needsRehash: ok };
  }
}
