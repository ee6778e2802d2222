import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AccountNotifications, NOTIFY_SETTINGS, type NotifySettings } from '@authbridge/accounts';
import { AccountEventRepository } from '@authbridge/storage';

/**
 * Every API instance polls the outbox for deliveries that are due (retries, rows another process
 * wrote, rows of an instance that died mid-attempt); the claim keeps instances from taking the
 * same row. Also prunes finished rows with the audit retention.
 */
@Injectable()
export class AccountNotificationsPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AccountNotifications');
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly notifications: AccountNotifications,
    private readonly events: AccountEventRepository,
    @Inject(NOTIFY_SETTINGS) private readonly settings: NotifySettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
    void this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), this.settings.pruneIntervalSeconds * 1000);
    this.pruneTimer.unref();
  }

  /** Claims nothing more once the instance stops: what it holds finishes (AccountNotifications waits), the rest stays due for the others. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
  }

  /** One poll at a time per instance; a full batch is followed by the next at once. */
  async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      while (!this.stopped && (await this.notifications.pollOnce()) > 0) {
        // more may be due
      }
    } catch (error) {
      this.logger.warn({ msg: 'polling the outbox failed; will try again', error: (error as Error).message });
    } finally {
      this.polling = false;
    }
  }

  private async prune(): Promise<void> {
    try {
      const deleted = await this.events.prune(Date.now() - this.settings.retentionDays * 86400 * 1000);
      if (deleted) this.logger.log({ msg: 'pruned finished deliveries', deliveries: deleted });
    } catch (error) {
      this.logger.warn({ msg: 'pruning the outbox failed; will try again', error: (error as Error).message });
    }
  }
}
