import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditLog, BruteForceGuard } from '@authbridge/accounts';
import { APP_CONFIG, type AppConfig } from '@authbridge/config';

/**
 * Deletes audit events older than AUDIT_RETENTION_DAYS, and failure counters that have expired,
 * at start-up and then every AUDIT_PRUNE_INTERVAL_SECONDS. Every instance does it; deleting
 * the same old rows twice is harmless.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditLog,
    private readonly guard: BruteForceGuard,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.prune();
    this.timer = setInterval(() => void this.prune(), this.config.audit.pruneIntervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<void> {
    try {
      const events = await this.audit.prune(this.config.audit.retentionDays);
      const counters = await this.guard.prune();
      if (events || counters) this.logger.log({ msg: 'pruned', auditEvents: events, failureCounters: counters });
    } catch (error) {
      this.logger.warn({ msg: 'pruning failed; will try again', error: (error as Error).message });
    }
  }
}
