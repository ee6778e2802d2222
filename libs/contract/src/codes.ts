/** Why a password check did not pass. The wiki maps each one to its own message. */
export const VERIFY_FAIL_CODES = ['WRONG_PASSWORD', 'NO_SUCH_USER', 'ACCOUNT_DISABLED', 'THROTTLED'] as const;
export type VerifyFailCode = (typeof VERIFY_FAIL_CODES)[number];

/**
 * Stable `code` of every problem+json error body, with its HTTP status.
 * Adding a code is a minor contract change; changing a status or removing one is major.
 */
export const PROBLEM_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_USERNAME: 400,
  PASSWORD_POLICY: 400,
  INVALID_CURSOR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  WRONG_PASSWORD: 403,
  USER_NOT_FOUND: 404,
  CLIENT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  USER_EXISTS: 409,
  ACCOUNT_DISABLED: 403,
  UNKNOWN_AUDIENCE: 400,
  TICKET_INVALID: 400,
  TICKET_EXPIRED: 410,
  TICKET_REPLAYED: 409,
  TICKET_WRONG_CLIENT: 403,
  PAYLOAD_TOO_LARGE: 413,
  THROTTLED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  NOT_READY: 503,
  SOURCE_UNAVAILABLE: 503,
  SOURCE_BAD_ROW: 502,
  USERS_READ_ONLY: 409,
} as const;
export type ProblemCode = keyof typeof PROBLEM_STATUS;

export const PROBLEM_TYPE_PREFIX = 'urn:authbridge:problem:';

/** Scopes a client credential can hold. */
export const SCOPES = ['auth:verify', 'users:read', 'users:write', 'users:password', 'sso:issue', 'sso:redeem', 'audit:read'] as const;
export type Scope = (typeof SCOPES)[number];
