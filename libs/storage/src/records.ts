import type { PasswordPreparation } from '@authbridge/passwords';

/** A user as the store keeps it; only the accounts library sees `passwordHash`. */
export interface UserRecord {
  id: string;
  username: string;
  realName: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
  disabled: boolean;
  passwordHash: string | null;
  /**
   * What the typed password goes through before it is checked against `passwordHash`: set only
   * on a hash imported from a website that prepared passwords (phpBB, WordPress); null once
   * AuthBridge hashed the password itself (the rehash at the first login, a set or reset).
   */
  passwordPreparation: PasswordPreparation | null;
  createdAt: string;
  updatedAt: string;
}

export type UserChanges = Partial<Pick<UserRecord, 'realName' | 'email' | 'emailVerified' | 'groups' | 'disabled' | 'passwordHash'>>;

export interface ClientRecord {
  id: string;
  name: string;
  secretHash: string;
  scopes: string[];
  /** The client may name the end user's address in `context.ip` (the wiki does; a script does not). */
  forwardsEndUserAddress: boolean;
  createdAt: string;
  revokedAt: string | null;
  /** The secret before the last rotation (its SHA-256) and until when it still authenticates. */
  previousSecretHash: string | null;
  previousSecretExpiresAt: string | null;
  /** When the client last authenticated (to the minute; null: never). */
  lastUsedAt: string | null;
}
