import type { ArgumentsHost } from '@nestjs/common';
import { Metrics } from '@authbridge/accounts';
import { DomainError } from '@authbridge/contract';
import { ProblemFilter } from './problem.filter';

/** Just enough of an Express request/response for the filter. */
function host(): ArgumentsHost {
  const response = { setHeader: () => response, status: () => response, type: () => response, send: () => response };
  return { switchToHttp: () => ({ getRequest: () => ({ id: 'r1' }), getResponse: () => response }) } as unknown as ArgumentsHost;
}

describe('ProblemFilter counts failed dependencies', () => {
  it('counts SOURCE_* and INTERNAL (the database, a bug), not a client mistake', async () => {
    const metrics = new Metrics();
    const filter = new ProblemFilter(metrics);
    // Nest's Logger is silent enough here; the unhandled error is logged as it should be.
    filter.catch(new DomainError('SOURCE_UNAVAILABLE', 'down'), host());
    filter.catch(new DomainError('SOURCE_BAD_ROW', 'bad'), host());
    filter.catch(new Error('connection terminated unexpectedly'), host());
    filter.catch(new DomainError('USER_NOT_FOUND', 'no'), host());
    const text = await metrics.text();
    expect(text).toContain('authbridge_errors_total{code="SOURCE_UNAVAILABLE"} 1');
    expect(text).toContain('authbridge_errors_total{code="SOURCE_BAD_ROW"} 1');
    expect(text).toContain('authbridge_errors_total{code="INTERNAL"} 1');
    expect(text).not.toContain('USER_NOT_FOUND');
  });
});
