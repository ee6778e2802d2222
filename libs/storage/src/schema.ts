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
  created_at: string;
  revoked_at: string | null;
}

export interface LoginThrottleTable {
  subject: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface Database {
  users: UsersTable;
  clients: ClientsTable;
  login_throttle: LoginThrottleTable;
}
