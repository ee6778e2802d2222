import type { Generated } from 'kysely';

/**
 * The store's whole schema, in one place (`migrations/` makes it). Columns are portable between
 * SQLite and PostgreSQL: text timestamps (ISO 8601 UTC), integer flags.
 */
export interface UsersTable {
  id: string;
  username: string;
  real_name: string;
  email: string | null;
  email_verified: number;
  groups_json: string;
  disabled: number;
  password_hash: string | null;
  /** A PasswordPreparation name for an imported hash (migration 2026-12-02-530); null: the password is checked as typed. */
  password_preparation: string | null;
  /**
   * SHA-256 of the password hash an import last wrote. A re-import changes the password only
   * when the source's hash changed since, so it neither undoes the argon2id rehash of a user
   * who logged in meanwhile nor rewrites rows that did not change.
   */
  imported_hash_sha256: string | null;
  /** 1: `users import` created the row, so a later import may update it; 0: anyone else did. */
  created_by_import: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string;
  forwards_end_user_address: number;
  created_at: string;
  revoked_at: string | null;
  /** SHA-256 of the secret `clients rotate` replaced, valid until previous_secret_expires_at. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  last_used_at: string | null;
}

export interface Database {
  users: UsersTable;
  clients: ClientsTable;
  brute_force_counters: BruteForceCountersTable;
  audit_events: AuditEventsTable;
  sso_keys: SsoKeysTable;
  sso_used_tickets: SsoUsedTicketsTable;
  sso_wikis: SsoWikisTable;
  source_accounts: SourceAccountsTable;
  account_events: AccountEventsTable;
  account_event_deliveries: AccountEventDeliveriesTable;
  account_check_heads: AccountCheckHeadsTable;
  account_check_buckets: AccountCheckBucketsTable;
  known_addresses: KnownAddressesTable;
  server_secrets: ServerSecretsTable;
}

/** One failure counter; times are epoch milliseconds so the lock arithmetic runs in SQL on both stores. */
export interface BruteForceCountersTable {
  kind: string;
  username: string;
  address: string;
  failures: number;
  last_failure_at: number;
  /** 0 when not locked. */
  locked_until: number;
}

/** The row a password check of a name locks while it takes the ceiling (epoch milliseconds). */
export interface AccountCheckHeadsTable {
  username: string;
  last_check_at: number;
}

/** Password checks of a name in the minute starting at `bucket_start` (epoch milliseconds). */
export interface AccountCheckBucketsTable {
  username: string;
  bucket_start: number;
  checks: number;
}

/** An address a name logged in from: HMAC of the address (IPv4, or the IPv6 /64), never the address. */
export interface KnownAddressesTable {
  username: string;
  address_hash: string;
  last_success_at: number;
}

/** Keys every instance shares, made on first use; base64url. */
export interface ServerSecretsTable {
  name: string;
  secret: string;
  created_at: string;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  event: string;
  outcome: string;
  username: string | null;
  client_id: string | null;
  address: string | null;
  password_checked: number;
  detail_json: string;
}

/** Signing keys of single-sign-on tickets; shared through the store by every API instance. */
export interface SsoKeysTable {
  kid: string;
  /** Ed25519 public key, base64url (the JWK `x`). */
  public_x: string;
  /** PKCS#8 PEM; see SPEC.md "Single sign-on" for why it lives in the store. */
  private_pem: string;
  created_at: string;
  /** Set when a newer key took over; the key still verifies until tickets it signed have expired. */
  retired_at: string | null;
}

/** One row per redeemed ticket: the primary key makes "use once" a single atomic insert. */
export interface SsoUsedTicketsTable {
  jti: string;
  expires_at: string;
  used_at: string;
}

/** Wikis that accept tickets, managed with `cli sso wikis`. */
export interface SsoWikisTable {
  id: string;
  /** $wgServer + $wgScriptPath of the wiki, e.g. https://wiki.example.org/w */
  url: string;
  /** When set, only this client credential may redeem the wiki's tickets. */
  client_id: string | null;
  created_at: string;
}

/**
 * A website account (USER_SOURCE=sql) and its wiki name, given the first time AuthBridge saw it
 * and never changed: keyed on the website's id, so a rename there keeps the wiki account.
 */
export interface SourceAccountsTable {
  /** USER_SOURCE_NAME */
  source: string;
  /** The website's own user id, as text. */
  external_id: string;
  /** The user JSON `id`: uuidv5 of source and external id (SPEC.md, "User sources"). */
  user_id: string;
  wiki_name: string;
  created_at: string;
}

/**
 * One account change the wikis must hear about; `seq` orders the changes of a user (it is taken
 * in the change's transaction, after the user's row is locked). Times are epoch milliseconds.
 */
export interface AccountEventsTable {
  seq: Generated<number>;
  user_id: string;
  username: string;
  /** disabled, enabled, deleted, password, or logout (single logout: no state). */
  change: string;
  state: string | null;
  created_at: number;
}

/** The outbox: one row per event and wiki, claimed by one API instance at a time. */
export interface AccountEventDeliveriesTable {
  id: Generated<number>;
  seq: number;
  wiki_id: string;
  /** pending, delivered, abandoned (given up, or the wiki was unregistered). */
  status: string;
  attempts: number;
  /** Due time; a claim moves it one lease ahead, so a crashed holder's rows come back. */
  next_attempt_at: number;
  /** Random per claim: only the holder completes the row. */
  claim_token: string | null;
  last_http_status: number | null;
  completed_at: number | null;
}
