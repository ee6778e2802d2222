import type { ProblemCode, Scope } from './codes';
import type { ProblemField } from './types';

/** Thrown by services; the API's one exception filter turns `code` into its HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: ProblemField[],
    /** With THROTTLED: whole seconds until another attempt can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail ?? code);
    this.name = 'DomainError';
  }
}

/** FORBIDDEN: the client credential lacks scopes the route needs; the problem names them (`missingScopes`). */
export class MissingScopeError extends DomainError {
  constructor(readonly missingScopes: Scope[]) {
    super('FORBIDDEN', `This client lacks the scope ${missingScopes.join(', ')}.`);
    this.name = 'MissingScopeError';
  }
}
