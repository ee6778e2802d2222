/** Columns are portable between SQLite and PostgreSQL: text timestamps (ISO 8601 UTC), integer flags. */
export interface UsersTable {
  id: string;
  username: string;
  real_name: string;
  email: string | null;
  email_verified: number;
  groups_json: string;
  disabled: number;
  password_hash: string | null;
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
}

export interface Database {
  users: UsersTable;
  clients: ClientsTable;
  brute_force_counters: BruteForceCountersTable;
  audit_events: AuditEventsTable;
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
