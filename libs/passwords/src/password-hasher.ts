export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters (or another algorithm): store a new one. */
  needsRehash: boolean;
}

/** Hashing behind an interface, so services are tested with fakes and formats can be added. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<PasswordCheck>;
  /** A hash of a random secret with the current parameters, to spend the same time on unknown users. */
  abstract dummyHash(): Promise<string>;
}

/** Longest password ever hashed: caps the cost of a hostile request before hashing. */
export const MAX_PASSWORD_LENGTH = 4096;
