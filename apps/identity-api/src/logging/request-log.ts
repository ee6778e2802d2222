import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestIdFor } from './request-context';

export interface RequestLogSettings {
  /** `errors`: a line for every 4xx/5xx answer and every slow one; `all`: a line for every request. */
  requests: 'errors' | 'all';
  /** A request that took at least this long is logged whatever its status. */
  slowMs: number;
}

/**
 * One line per finished request, written only when it says something (a refusal, an error, a
 * slow answer) unless LOG_REQUESTS=all. This replaces pino-http, whose per-request child
 * logger, request/response serializers and redaction were a fifth of the CPU of a user look-up;
 * the line is built from a few plain fields, so nothing secret (headers, body) can reach it.
 * The request id (the caller's X-Request-Id when it is sane) is on `request.id`, for problems
 * and for whatever else logs on behalf of the request.
 */
export function requestLogger(logger: Logger, settings: RequestLogSettings) {
  const all = settings.requests === 'all';
  return function logRequest(request: Request & { id?: string; client?: { id: string } }, response: Response, next: NextFunction): void {
    request.id = requestIdFor(request, response);
    const started = performance.now();
    response.once('finish', () => {
      const ms = performance.now() - started;
      const status = response.statusCode;
      if (!all && status < 400 && ms < settings.slowMs) return;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { reqId: request.id, method: request.method, url: withoutQuery(request.originalUrl), status, ms: Math.round(ms), client: request.client?.id },
        status >= 400 ? 'request refused' : ms >= settings.slowMs ? 'slow request' : 'request completed',
      );
    });
    next();
  };
}

/**
 * The path without its query string: a query may hold what a caller should never have put there
 * (a secret in ?access_token=, a password), and the log keeps it longer than anything else.
 */
export function withoutQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?[redacted]`;
}
