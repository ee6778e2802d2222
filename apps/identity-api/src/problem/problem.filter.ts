import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Metrics } from '@authbridge/accounts';
import { DomainError, MissingScopeError, type ProblemCode } from '@authbridge/contract';
import { problemFor } from './problem';

/** HTTP errors Nest or Express raise themselves, mapped to contract codes by status. */
const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * body-parser marks its errors with a `type`; Nest's Express adapter wraps them in an
 * HttpException whose `cause` is the original, so look at both.
 */
function bodyParserCode(error: unknown): ProblemCode | undefined {
  const type = (error as { type?: string })?.type ?? ((error as { cause?: { type?: string } })?.cause)?.type;
  if (type === 'entity.parse.failed') return 'MALFORMED_JSON';
  if (type === 'entity.too.large') return 'PAYLOAD_TOO_LARGE';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 'UNSUPPORTED_MEDIA_TYPE';
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') return 'VALIDATION_FAILED';
  return undefined;
}

/** The one place errors become HTTP: problem+json with a stable code, never a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly metrics?: Metrics) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const requestId = request.id === undefined ? undefined : String(request.id);

    let problem;
    if (error instanceof DomainError) {
      problem = problemFor(error.code, {
        detail: error.detail, errors: error.errors, requestId, retryAfterSeconds: error.retryAfterSeconds,
        missingScopes: error instanceof MissingScopeError ? error.missingScopes : undefined,
      });
    } else if (bodyParserCode(error)) {
      problem = problemFor(bodyParserCode(error)!, { requestId });
    } else if ((error as { cause?: unknown })?.cause instanceof URIError) {
      problem = problemFor('VALIDATION_FAILED', { detail: 'The path has an invalid percent-encoding.', requestId });
    } else if (error instanceof HttpException && CODE_BY_STATUS[error.getStatus()]) {
      problem = problemFor(CODE_BY_STATUS[error.getStatus()], { requestId });
    } else {
      this.logger.error({ msg: 'unhandled error', requestId, err: error });
      problem = problemFor('INTERNAL', { detail: 'Quote the requestId when reporting this.', requestId });
    }
    // A dependency that failed: the user source (SOURCE_*), or the database and anything unexpected (INTERNAL).
    if (problem.code === 'INTERNAL' || problem.code.startsWith('SOURCE_')) this.metrics?.failed(problem.code);
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="authbridge"');
    if (problem.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(problem.retryAfterSeconds));
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
