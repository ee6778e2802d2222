import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import { PasswordCheck, PasswordHasher } from './password-hasher';

export interface Argon2Parameters {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * node-argon2 writes the parameters as `m=…,p=…,t=…`; the reference implementation, libsodium and
 * PHP's password_verify write and read only `m=…,t=…,p=…`, and PHP answers false for the other
 * order. Hashes leave AuthBridge (`users export --with-hashes` to a PHP website), so they are
 * written in the reference order; node-argon2 reads both.
 */
function inReferenceOrder(hash: string): string {
  return hash.replace(/^(\$argon2id?\$v=\d+\$)m=(\d+),p=(\d+),t=(\d+)\$/, '$1m=$2,t=$4,p=$3$');
}

export class Argon2PasswordHasher extends PasswordHasher {
  private dummy?: Promise<string>;

  constructor(private readonly params: Argon2Parameters) {
    super();
  }

  async hash(password: string): Promise<string> {
    const hash = await argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.params.memoryKiB,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
    });
    return inReferenceOrder(hash);
  }

  async verify(hash: string, password: string): Promise<PasswordCheck> {
    if (!hash.startsWith('$argon2')) return { ok: false, needsRehash: false };
    let ok: boolean;
    try {
      ok = await argon2.verify(hash, password);
    } catch {
      // A stored hash argon2 cannot parse is a failed check, not a server error.
      return { ok: false, needsRehash: false };
    }
    // argon2.needsRehash compares only the cost parameters; an argon2i hash must become argon2id too.
    return { ok, needsRehash: ok && (!hash.startsWith('$argon2id$') || argon2.needsRehash(hash, this.rehashOptions())) };
  }

  dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(32).toString('base64'));
    return this.dummy;
  }

  private rehashOptions() {
    return { memoryCost: this.params.memoryKiB, timeCost: this.params.timeCost, parallelism: this.params.parallelism };
  }
}
