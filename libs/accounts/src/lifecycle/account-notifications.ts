import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WIKI_REST_LOGOUT_ROUTE, type SsoLogoutResult } from '@authbridge/contract';
import { AccountEventRepository, type ClaimedDelivery, type DeliveryClaim, type SsoWikiRecord } from '@authbridge/storage';
import { AuditLog } from '../audit/audit-log';
import { Clock } from '../clock';
import { SsoWikis } from '../sso/sso-wikis';
import { BackChannelTokens } from './back-channel-tokens';
import { WikiNotifier } from './wiki-notifier';
import { claimLeaseMs, DELIVERY_CONCURRENCY, NOTIFY_SETTINGS, POLL_BATCH, retryDelayMs, type NotifySettings } from './notify-settings';

/** The first attempt at one wiki, as single logout reports it. */
export type DeliveryReport = SsoLogoutResult;

/**
 * Delivers the outbox (SPEC.md, "The account's life follows the website"): a fresh signed token
 * per attempt, retries with backoff, the outcome in the audit log. Used by the API (at once after
 * a change, and by its poller) and by the CLI (at once, before it exits).
 */
@Injectable()
export class AccountNotifications implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AccountNotifications');
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly events: AccountEventRepository,
    private readonly wikis: SsoWikis,
    private readonly tokens: BackChannelTokens,
    private readonly notifier: WikiNotifier,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(NOTIFY_SETTINGS) private readonly settings: NotifySettings,
  ) {}

  /** A new claim: random token, held for one lease from now. */
  newClaim(): DeliveryClaim {
    return { token: randomBytes(12).toString('base64url'), until: this.clock.now().getTime() + claimLeaseMs(this.settings) };
  }

  /** Delivers claimed rows without holding up the caller (the API answers first); shutdown waits for them. */
  deliverSoon(deliveries: readonly ClaimedDelivery[]): void {
    if (deliveries.length > 0) void this.deliver(deliveries);
  }

  /** Delivers claimed rows, at most DELIVERY_CONCURRENCY at a time; the report of each attempt. */
  deliver(deliveries: readonly ClaimedDelivery[]): Promise<DeliveryReport[]> {
    const work = this.deliverAll(deliveries);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** One poll: claims what is due and delivers it; returns how many rows it claimed. */
  async pollOnce(): Promise<number> {
    const claimed = await this.events.claimDue(this.clock.now().getTime(), this.newClaim(), POLL_BATCH);
    if (claimed.length > 0) await this.deliver(claimed);
    return claimed.length;
  }

  /** Waits for deliveries in flight, so the CLI's process and a stopping API finish their attempts. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Before the store closes (its own shutdown hook). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.settle();
  }

  /** Polls until nothing is due or `maxMs` has passed: the CLI after an import, which queues without claiming. */
  async drain(maxMs: number): Promise<void> {
    const deadline = this.clock.now().getTime() + maxMs;
    while (this.clock.now().getTime() < deadline && (await this.pollOnce()) > 0) {
      // next batch
    }
  }

  private async deliverAll(deliveries: readonly ClaimedDelivery[]): Promise<DeliveryReport[]> {
    const wikis = new Map((await this.wikis.list()).map((w) => [w.id, w]));
    const reports: DeliveryReport[] = new Array(deliveries.length);
    let next = 0;
    const worker = async () => {
      while (next < deliveries.length) {
        const i = next++;
        reports[i] = await this.attempt(deliveries[i], wikis.get(deliveries[i].wikiId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, deliveries.length) }, worker));
    return reports;
  }

  private async attempt(delivery: ClaimedDelivery, wiki: SsoWikiRecord | undefined): Promise<DeliveryReport> {
    const fact = { wiki: delivery.wikiId, change: delivery.change, seq: delivery.seq, attempts: delivery.attempts };
    try {
      if (!wiki) {
        await this.events.finish(delivery.id, delivery.claimToken, { status: 'abandoned', httpStatus: null, at: this.clock.now().getTime() });
        await this.record('DROPPED', delivery, fact);
        return { wiki: delivery.wikiId, status: 'failed', httpStatus: null };
      }
      const token = await this.tokens.sign(wiki, delivery);
      const httpStatus = await this.notifier.notify(`${wiki.url}/rest.php${WIKI_REST_LOGOUT_ROUTE}`, token, this.settings.timeoutMs);
      const now = this.clock.now().getTime();
      if (httpStatus !== null && httpStatus >= 200 && httpStatus < 300) {
        if (await this.events.finish(delivery.id, delivery.claimToken, { status: 'delivered', httpStatus, at: now })) {
          await this.record('DELIVERED', delivery, { ...fact, httpStatus, latencyMs: now - delivery.createdAt });
        }
        return { wiki: wiki.id, status: 'ok', httpStatus };
      }
      const givingUp = now - delivery.createdAt >= this.settings.giveUpSeconds * 1000;
      const outcome = givingUp
        ? { status: 'abandoned' as const, httpStatus, at: now }
        : { status: 'pending' as const, httpStatus, at: now, nextAttemptAt: now + retryDelayMs(delivery.attempts, this.settings) };
      const kept = await this.events.finish(delivery.id, delivery.claimToken, outcome);
      this.logger.warn({ msg: givingUp ? 'gave up telling a wiki about an account change' : 'a wiki did not confirm an account change; will retry', ...fact, httpStatus });
      // The audit log gets the first failure and the end, not every one of up to ~300 retries.
      if (kept && (givingUp || delivery.attempts === 1)) await this.record(givingUp ? 'GAVE_UP' : 'RETRYING', delivery, { ...fact, httpStatus });
      return { wiki: wiki.id, status: 'failed', httpStatus, retrying: !givingUp };
    } catch (error) {
      // The store failed mid-attempt: the claim expires and another poll retries the row.
      this.logger.error({ msg: 'could not complete a delivery; it will be retried', ...fact, error: error instanceof Error ? error.message : String(error) });
      return { wiki: delivery.wikiId, status: 'failed', httpStatus: null, retrying: true };
    }
  }

  private record(outcome: string, delivery: ClaimedDelivery, detail: Record<string, unknown>): Promise<void> {
    return this.audit.record({ event: 'sso.notify', outcome, username: delivery.username, detail });
  }
}
