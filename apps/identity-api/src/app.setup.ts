import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '@authbridge/config';
import { DomainError } from '@authbridge/contract';
import { Metrics } from '@authbridge/accounts';
import { metricsHandler, requestTiming } from './metrics/metrics-endpoint';
import { ProblemFilter } from './problem/problem.filter';
import { createValidationPipe } from './problem/validation';
import { mountOpenApi } from './openapi/openapi';
import { withRequestContext } from './logging/request-context';
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
  const metrics = app.get(Metrics);
  if (config.metrics.enabled) {
    app.use(requestTiming(metrics));
    // Outside Nest's routes, so the client-credential guard does not apply (scrapers hold no client).
    if (config.metrics.port === null) {
      const handle = metricsHandler(metrics, config.metrics.token);
      app.use('/metrics', (request: Request, response: Response, next: NextFunction) => (request.path === '/' ? handle(request, response) : next()));
    }
  }
  app.use(requestLogger(logger, config.log));
  app.use(withRequestContext);
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.bodyLimitBytes, strict: true });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(metrics));
  app.enableShutdownHooks();
  mountOpenApi(app);
}
