import { PROBLEM_STATUS, PROBLEM_TYPE_PREFIX, type Problem, type ProblemCode, type ProblemField } from '@authbridge/contract';

const TITLES: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  MALFORMED_JSON: 'The request body is not valid JSON',
  INVALID_USERNAME: 'MediaWiki would refuse this user name',
  PASSWORD_POLICY: 'The password does not meet the policy',
  INVALID_CURSOR: 'The pagination cursor is not valid',
  UNAUTHENTICATED: 'A valid client credential is required',
  FORBIDDEN: 'The client credential lacks the scope this route needs',
  WRONG_PASSWORD: 'The current password is not right',
  USER_NOT_FOUND: 'No such user',
  CLIENT_NOT_FOUND: 'No such client',
  NOT_FOUND: 'No such route',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  USER_EXISTS: 'A user with this name already exists',
  ACCOUNT_DISABLED: 'The account is disabled',
  UNKNOWN_AUDIENCE: 'No wiki with this id is registered for single sign-on',
  TICKET_INVALID: 'The single sign-on ticket is not valid',
  TICKET_EXPIRED: 'The single sign-on ticket has expired',
  TICKET_REPLAYED: 'The single sign-on ticket was already used',
  TICKET_WRONG_CLIENT: 'The ticket was issued for a wiki this client does not serve',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  THROTTLED: 'Too many wrong passwords; try again later',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be application/json',
  INTERNAL: 'Internal error',
  NOT_READY: 'The service is not ready',
  SOURCE_UNAVAILABLE: "The website's user database does not answer",
  SOURCE_BAD_ROW: "The website's record of this user cannot be used",
  USERS_READ_ONLY: 'Users are managed by the website',
};

export function problemFor(code: ProblemCode, extra: { detail?: string; errors?: ProblemField[]; instance?: string; requestId?: string; retryAfterSeconds?: number; missingScopes?: string[] } = {}): Problem {
  const problem: Problem = {
    type: PROBLEM_TYPE_PREFIX + code.toLowerCase().replace(/_/g, '-'),
    title: TITLES[code],
    status: PROBLEM_STATUS[code],
    code,
  };
  if (extra.detail) problem.detail = extra.detail;
  if (extra.errors?.length) problem.errors = extra.errors;
  if (extra.instance) problem.instance = extra.instance;
  if (extra.requestId) problem.requestId = extra.requestId;
  if (extra.retryAfterSeconds !== undefined) problem.retryAfterSeconds = extra.retryAfterSeconds;
  if (extra.missingScopes?.length) problem.missingScopes = extra.missingScopes;
  return problem;
}
