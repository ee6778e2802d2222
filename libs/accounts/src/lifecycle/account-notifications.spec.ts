import { AccountEventRepository, type ClaimedDelivery, type DeliveryClaim, type DeliveryOutcome, type SsoWikiRecord } from '@authbridge/storage';
import type { AuditEntry, AuditLog } from '../audit/audit-log';
import { Clock } from '../clock';
import type { SsoWikis } from '../sso/sso-wikis';
import { AccountNotifications } from './account-notifications';
import type { BackChannelTokens } from './back-channel-tokens';
import { retryDelayMs, type NotifySettings } from './notify-settings';
import { WikiNotifier } from './wiki-notifier';

class FakeClock extends Clock {
  t = Date.parse('2026-12-02T00:00:00Z');
  now() { return new Date(this.t); }
}

/** An outbox of one delivery, enough to watch what an attempt records. */
class OneRowOutbox extends AccountEventRepository {
  finished: Array<{ id: number; token: string; outcome: DeliveryOutcome }> = [];
  claimLost = false;
  async record() { return []; }
  async claimDue(_now: number, _claim: DeliveryClaim) { return []; }
  async finish(id: number, token: string, outcome: DeliveryOutcome) {
    this.finished.push({ id, token, outcome });
    return !this.claimLost;
  }
  async prune() { return 0; }
}

class ScriptedNotifier extends WikiNotifier {
  constructor(public answer: number | null) { super(); }
  calls: string[] = [];
  async notify(url: string) {
    this.calls.push(url);
    return this.answer;
  }
}

const SETTINGS: NotifySettings = { pollMs: 1000, retryBaseMs: 5000, retryMaxMs: 900000, giveUpSeconds: 72 * 3600, timeoutMs: 3000, retentionDays: 90, pruneIntervalSeconds: 3600 };
const WIKI: SsoWikiRecord = { id: 'wiki-a', url: 'http://wiki.test/w', clientId: 'c', createdAt: '' };

function setUp(answer: number | null) {
  const clock = new FakeClock();
  const outbox = new OneRowOutbox();
  const notifier = new ScriptedNotifier(answer);
  const audit: AuditEntry[] = [];
  const notifications = new AccountNotifications(
    outbox,
    { list: async () => [WIKI] } as unknown as SsoWikis,
    { sign: async () => 'token' } as unknown as BackChannelTokens,
    notifier,
    { record: async (entry: AuditEntry) => void audit.push(entry) } as unknown as AuditLog,
    clock,
    SETTINGS,
  );
  const delivery = (over: Partial<ClaimedDelivery> = {}): ClaimedDelivery => ({
    id: 7, seq: 41, wikiId: 'wiki-a', attempts: 1, claimToken: 'claim', userId: 'uid-1', username: 'Jane', change: 'disabled', state: 'disabled', createdAt: clock.t, ...over,
  });
  return { clock, outbox, notifier, audit, notifications, delivery };
}

describe('retryDelayMs', () => {
  it('waits 5 s, 10 s, 20 s … and never more than 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 10, 40, 300].map((n) => retryDelayMs(n, SETTINGS) / 1000)).toEqual([5, 10, 20, 40, 80, 640, 900, 900, 900, 900]);
  });
});

describe('AccountNotifications', () => {
  it('marks a 2xx delivered and audits the latency from the change', async () => {
    const { clock, outbox, audit, notifications, delivery, notifier } = setUp(204);
    const row = delivery({ createdAt: clock.t - 1500 });
    expect(await notifications.deliver([row])).toEqual([{ wiki: 'wiki-a', status: 'ok', httpStatus: 204 }]);
    expect(notifier.calls).toEqual(['http://wiki.test/w/rest.php/authbridge/v1/logout']);
    expect(outbox.finished).toEqual([{ id: 7, token: 'claim', outcome: { status: 'delivered', httpStatus: 204, at: clock.t } }]);
    expect(audit).toEqual([expect.objectContaining({ event: 'sso.notify', outcome: 'DELIVERED', username: 'Jane', detail: expect.objectContaining({ latencyMs: 1500, seq: 41 }) })]);
  });

  it('schedules the next attempt by the backoff, and audits only the first failure', async () => {
    const { clock, outbox, audit, notifications, delivery } = setUp(503);
    await notifications.deliver([delivery({ attempts: 1 })]);
    await notifications.deliver([delivery({ attempts: 2 })]);
    expect(outbox.finished.map((f) => f.outcome)).toEqual([
      { status: 'pending', httpStatus: 503, at: clock.t, nextAttemptAt: clock.t + 5000 },
      { status: 'pending', httpStatus: 503, at: clock.t, nextAttemptAt: clock.t + 10000 },
    ]);
    expect(audit.map((a) => a.outcome)).toEqual(['RETRYING']);
  });

  it('gives up 72 hours after the change, and says so', async () => {
    const { clock, outbox, audit, notifications, delivery } = setUp(null);
    const report = await notifications.deliver([delivery({ attempts: 290, createdAt: clock.t - 72 * 3600 * 1000 })]);
    expect(report).toEqual([{ wiki: 'wiki-a', status: 'failed', httpStatus: null, retrying: false }]);
    expect(outbox.finished[0].outcome).toEqual({ status: 'abandoned', httpStatus: null, at: clock.t });
    expect(audit.map((a) => a.outcome)).toEqual(['GAVE_UP']);
  });

  it('records nothing for an attempt whose claim another instance took over meanwhile', async () => {
    const { outbox, audit, notifications, delivery } = setUp(204);
    outbox.claimLost = true;
    await notifications.deliver([delivery()]);
    expect(audit).toEqual([]);
  });

  it('drops the delivery of a wiki that is no longer registered, without calling anyone', async () => {
    const { outbox, audit, notifications, delivery, notifier } = setUp(204);
    await notifications.deliver([delivery({ wikiId: 'gone' })]);
    expect(notifier.calls).toEqual([]);
    expect(outbox.finished[0].outcome.status).toBe('abandoned');
    expect(audit.map((a) => a.outcome)).toEqual(['DROPPED']);
  });
});
