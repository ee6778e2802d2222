import { DomainError } from '@authbridge/contract';

/** The website's database does not answer, or not in time: the wiki says "unavailable", never "wrong password". */
export function sourceUnavailable(): DomainError {
  return new DomainError('SOURCE_UNAVAILABLE', 'The website\'s user database does not answer; try again later.');
}

/**
 * A row of the website's database that AuthBridge refuses to serve (a NUL in a name, a field far
 * too long, capabilities it cannot read). The detail names the website id and the field, never
 * the value; the same text goes to the log.
 */
export class BadSourceRow extends Error {
  constructor(readonly externalId: string, readonly field: string, readonly reason: string) {
    super(`website user ${externalId}: ${field} ${reason}`);
    this.name = 'BadSourceRow';
  }
}

export function badRowError(): DomainError {
  return new DomainError('SOURCE_BAD_ROW', 'The website\'s record of this user cannot be used; the administrator finds the reason in the API\'s log.');
}
