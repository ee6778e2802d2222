import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Connections in a database pool, when the store has one (PostgreSQL). */
export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The operator's questions as Prometheus series: how many logins failed and why, how slow the
 * hash and the requests are, what got locked, how tickets fare, what broke. One registry per
 * application (not prom-client's global one), so several apps in one test process stay apart.
 * Every method is a label look-up and an add: cheap enough for the verify path.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly verifyOutcomes = new Counter({
    name: 'authbridge_verify_total', help: 'Password checks answered, by outcome (PASS or the FAIL code, or the error code when no answer was given)',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  private readonly passwordCheck = new Histogram({
    name: 'authbridge_password_check_seconds', help: 'Time to check one password against its hash (argon2id or an imported format)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  private readonly requestDuration = new Histogram({
    name: 'authbridge_http_request_duration_seconds', help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  private readonly locks = new Counter({
    name: 'authbridge_locks_total', help: 'Brute-force locks set, by counter (account+address, account, address)',
    labelNames: ['counter'] as const, registers: [this.registry],
  });
  private readonly tickets = new Counter({
    name: 'authbridge_sso_tickets_total', help: 'Single sign-on tickets issued, redeemed or refused (with the refusal code)',
    labelNames: ['result', 'code'] as const, registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'authbridge_errors_total', help: 'Requests that failed on a dependency: the user source (SOURCE_*) or the database/unexpected (INTERNAL)',
    labelNames: ['code'] as const, registers: [this.registry],
  });
  private poolUse: (() => PoolUse | null) | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'authbridge_' });
    const self = this;
    new Gauge({
      name: 'authbridge_database_pool_connections', help: 'Connections in the PostgreSQL pool, by state (absent on SQLite)',
      labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        const use = self.poolUse?.();
        if (!use) return;
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
  }

  /** The store tells how full its pool is; read only when /metrics is scraped. */
  watching(read: () => PoolUse | null): this {
    this.poolUse = read;
    return this;
  }

  verified(outcome: string): void {
    this.verifyOutcomes.inc({ outcome });
  }

  passwordChecked(seconds: number): void {
    this.passwordCheck.observe(seconds);
  }

  locked(counter: string): void {
    this.locks.inc({ counter });
  }

  ticket(result: 'issued' | 'redeemed' | 'refused', code = ''): void {
    this.tickets.inc({ result, code });
  }

  failed(code: string): void {
    this.errors.inc({ code });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
