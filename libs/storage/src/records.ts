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
