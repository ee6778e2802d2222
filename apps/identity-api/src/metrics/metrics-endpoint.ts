import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from '@authbridge/accounts';
import { APP_CONFIG, type AppConfig } from '@authbridge/config';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Answers a scrape: Prometheus text, or 401 when METRICS_TOKEN is set and not presented.
 * Plain node:http so it serves the API's port (through Express) and a port of its own alike.
 */
export function metricsHandler(metrics: Metrics, token: string | null) {
  const expected = token === null ? null : digest(`Bearer ${token}`);
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('GET only\n');
      return;
    }
    // Hashes compared, so the comparison takes the same time whatever the length given.
    if (expected !== null && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      response.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="authbridge-metrics"', 'Content-Type': 'text/plain' }).end('metrics need METRICS_TOKEN as a bearer token\n');
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n'),
    );
  };
}

/**
 * Times every request by route template (`/v1/users/:name`, never the raw URL, so the series
 * stay few); paths no route matched share one label. One clock read at each end and a label
 * look-up: cheap on the benchmarked path.
 */
export function requestTiming(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? (request.path === '/metrics' ? '/metrics' : '(unmatched)');
      metrics.request(request.method, route, response.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}

/** With METRICS_PORT, /metrics listens on a port of its own (e.g. one only the scraper reaches). */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private readonly logger = new Logger('Metrics');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** The port it listens on (the real one when METRICS_PORT=0), or null when it shares the API's. */
  get port(): number | null {
    return this.server === null ? null : (this.server.address() as AddressInfo).port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port, token } = this.config.metrics;
    if (!enabled || port === null) return;
    const handle = metricsHandler(this.metrics, token);
    const server = createServer((request, response) => {
      if ((request.url ?? '').split('?')[0] === '/metrics') handle(request, response);
      else response.writeHead(404, { 'Content-Type': 'text/plain' }).end('only /metrics here\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log({ msg: 'metrics listening', port: this.port });
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }
}
