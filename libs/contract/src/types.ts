import type { ProblemCode, VerifyFailCode } from './codes';

/** The user as every endpoint returns it. Never carries a password or a hash. */
export interface UserJson {
  /** Stable, opaque id (UUID); never reused, survives renames. */
  id: string;
  /** Canonical MediaWiki user name ("Jane doe" → "Jane doe", "jane_doe" → "Jane doe"). */
  username: string;
  realName: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface VerifyContext {
  /** The end user's address as the wiki saw it. */
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface VerifyRequest {
  username: string;
  password: string;
  context?: VerifyContext;
}

export interface VerifyPass {
  result: 'PASS';
  user: UserJson;
}

export interface VerifyFail {
  result: 'FAIL';
  code: VerifyFailCode;
  /** Present with THROTTLED: whole seconds until another attempt can succeed. */
  retryAfterSeconds?: number;
}

export type VerifyResponse = VerifyPass | VerifyFail;

export interface UserPage {
  items: UserJson[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface CreateUserRequest {
  username: string;
  password?: string;
  email?: string | null;
  emailVerified?: boolean;
  realName?: string;
  groups?: string[];
  disabled?: boolean;
}

export interface UpdateUserRequest {
  email?: string | null;
  emailVerified?: boolean;
  realName?: string;
  groups?: string[];
  disabled?: boolean;
}

export interface SetPasswordRequest {
  password: string;
  /** When given, the change only happens if it is the user's current password. */
  currentPassword?: string;
}

export interface ProblemField {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as every 4xx/5xx body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: ProblemField[];
  /** With THROTTLED (429): whole seconds until another attempt can succeed; also in Retry-After. */
  retryAfterSeconds?: number;
  /** With FORBIDDEN (403): the scopes the client credential lacks for this route. */
  missingScopes?: string[];
}
