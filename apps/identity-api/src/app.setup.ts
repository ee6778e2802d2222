import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import type { AppConfig } from '@authbridge/config';
import { DomainError } from '@authbridge/contract';
import { ProblemFilter } from './problem/problem.filter';
import { createValidationPipe } from './problem/validation';
import { mountOpenApi } from './openapi/openapi';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A body that is not JSON would otherwise arrive as `{}` and fail with a misleading message. */
function requireJsonBodies(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (BODY_METHODS.has(request.method) && hasBody && !request.is('application/json')) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'));
    return;
  }
  next();
}

/** The logged request without its query string (pino-http's serializer would log `url` and `query`). */
export function redactQuery<T extends { url?: string; query?: unknown }>(request: T): T {
  const { query: _query, ...rest } = request;
  const url = typeof request.url === 'string' && request.url.includes('?') ? `${request.url.split('?')[0]}?[redacted]` : request.url;
  return { ...rest, url } as T;
}

/** Everything main.ts and the end-to-end tests share, so the tests exercise the real stack. */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger,
      genReqId: (request) => {
        const given = request.headers['x-request-id'];
        return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
      },
      customProps: (request) => ({ client: (request as unknown as { client?: { id: string } }).client?.id }),
      // A query string may hold what a caller should never have put there (a secret in
      // ?access_token=, a password): the access log keeps the path only.
      serializers: { req: redactQuery },
    }),
  );
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.bodyLimitBytes, strict: true });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  mountOpenApi(app);
}
