import { createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ServerSecretRepository } from '@authbridge/storage';
import { Clock } from '../clock';
import { counterName } from './counter-name';

/** Starts every pseudonym: '#' is in no MediaWiki user name, so a pseudonym never meets a real name. */
export const PSEUDONYM_PREFIX = '#unknown-';
const SECRET_NAME = 'keyed-hashes-v1';

/**
 * HMAC-SHA-256 under a key of the store (made on first use, shared by every instance), for what
 * must be matched again but not kept as typed (security review, issue 10, item 8):
 * - the name typed at the login form when no such user exists: people type passwords there, so
 *   the counters and the audit log keep `#unknown-` and 22 characters of its keyed hash instead;
 * - the addresses an account logged in from, which let the owner past the account-wide ceiling.
 * A keyed hash, not a plain one: an unkeyed hash of a short password is reversed by a dictionary
 * in seconds; this one only by someone who also holds the store's key.
 */
@Injectable()
export class KeyedHashes {
  private key?: Promise<Buffer>;

  constructor(
    private readonly secrets: ServerSecretRepository,
    private readonly clock: Clock,
  ) {}

  /** The pseudonym of a typed name: the same for every spelling that canonicalises alike. */
  async pseudonym(typed: string): Promise<string> {
    return PSEUDONYM_PREFIX + (await this.mac('name', counterName(typed))).slice(0, 22);
  }

  /**
   * The name a login attempt is counted and audited under: the user's name when the directory
   * found one for what was typed, else the typed name's pseudonym (it may be a password).
   * The password check and the administrator's lock routes both use it, so they meet the same counters.
   */
  async countedName(login: { username: string; exists: boolean }, typed: string): Promise<string> {
    return login.exists ? login.username : this.pseudonym(typed);
  }

  /** The keyed hash of an address key (IPv4, or the IPv6 /64 as EndUserAddress.key gives it). */
  address(key: string): Promise<string> {
    return this.mac('address', key);
  }

  private async mac(purpose: string, value: string): Promise<string> {
    const key = await this.secret();
    // Purpose and value are separated by a byte no name or address contains, so no two inputs collide.
    return createHmac('sha256', key).update(`${purpose}\0${value}`).digest('base64url');
  }

  private secret(): Promise<Buffer> {
    this.key ??= this.secrets
      .getOrCreate(SECRET_NAME, () => randomBytes(32).toString('base64url'), this.clock.now().toISOString())
      .then((text) => Buffer.from(text, 'base64url'));
    // A store that did not answer is asked again next time, not remembered as failed.
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }
}

/**
 * The names an audit event of a typed name can be under: the name itself (a user's, or from before
 * pseudonyms), and its pseudonym (guesses while it was no user).
 */
export async function auditNames(keyed: KeyedHashes, typed: string): Promise<string[]> {
  return [counterName(typed), await keyed.pseudonym(typed)];
}
