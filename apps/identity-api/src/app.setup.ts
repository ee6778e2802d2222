import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '@authbridge/config';
import { DomainError } from '@authbridge/contract';
import { ProblemFilter } from './problem/problem.filter';
import { createValidationPipe } from './problem/validation';
import { mountOpenApi } from './openapi/openapi';
import { requestLogger } from './logging/request-log';

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

/** Everything main.ts and the end-to-end tests share, so the tests exercise the real stack. */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  app.disable('x-powered-by');
  app.use(requestLogger(logger, config.log));
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.bodyLimitBytes, strict: true });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  mountOpenApi(app);
}
