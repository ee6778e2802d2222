import type { ProblemCode } from './codes';
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
