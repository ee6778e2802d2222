import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type AuditEventJson, type AuditEventName, type AuditPage } from '@authbridge/contract';
import { AuditRepository } from '@authbridge/storage';
import { Clock } from '../clock';
import { Metrics } from '../metrics/metrics';
import { decodeCursor, encodeCursor, invalidCursor } from '../cursor';

/** Who made an administrative change: a client credential, or the command-line tool (null). */
export interface Actor {
  clientId: string | null;
  address?: string;
}

export const CLI_ACTOR: Actor = { clientId: null };

export interface AuditEntry {
  event: AuditEventName;
  outcome: string;
  username?: string | null;
  clientId?: string | null;
  address?: string | null;
  passwordChecked?: boolean;
  /** Facts about the event; never a password, a hash, a secret or a ticket. */
  detail?: Record<string, unknown>;
}

export const DEFAULT_AUDIT_PAGE = PAGE_SIZE_DEFAULT;
export const MAX_AUDIT_PAGE = PAGE_SIZE_MAX;

/**
 * The audit log of authentication and administration events. Other features record through
 * `record` (single sign-on: `sso.ticket.issue` and `sso.ticket.redeem` with the ticket's `jti`
 * in `detail`, never the ticket).
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly events: AuditRepository,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    // Every outcome an operator counts passes through here once, so the series are counted here too.
    this.count(entry);
    const record = {
      id: timeOrderedId(this.clock.now().getTime()),
      at: this.clock.now().toISOString(),
      event: entry.event,
      outcome: entry.outcome,
      username: entry.username ?? null,
      clientId: entry.clientId ?? null,
      address: entry.address ?? null,
      passwordChecked: entry.passwordChecked ?? false,
      detail: entry.detail ?? {},
    };
    await this.events.insert(record);
  }

  private count({ event, outcome }: AuditEntry): void {
    if (event === 'verify') this.metrics.verified(outcome);
    else if (event === 'lock') this.metrics.locked(outcome);
    else if (event === 'sso.ticket.issue') outcome === 'issued' ? this.metrics.ticket('issued') : this.metrics.ticket('refused', outcome);
    else if (event === 'sso.ticket.redeem') outcome === 'redeemed' ? this.metrics.ticket('redeemed') : this.metrics.ticket('refused', outcome);
  }

  /** `username`: one name, or every name an event may be under (a typed name and its pseudonym). */
  async list(query: { username?: string | string[]; event?: string; since?: string; limit?: number; cursor?: string }): Promise<AuditPage> {
    const limit = Math.min(query.limit ?? DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE);
    const rows = await this.events.list({
      username: query.username,
      event: query.event,
      since: query.since === undefined ? undefined : new Date(query.since).toISOString(),
      before: query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page as AuditEventJson[], nextCursor: rows.length > limit ? encodeAuditCursor(last.at, last.id) : null };
  }

  /** Deletes events older than the retention period; answers how many went. */
  async prune(retentionDays: number): Promise<number> {
    const before = new Date(this.clock.now().getTime() - retentionDays * 86400 * 1000).toISOString();
    return this.events.prune(before);
  }
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562) with a counter in `rand_a`, so events of one process within the same
 * millisecond still list in the order they happened.
 */
function timeOrderedId(now: number): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs++;
    sequence = 0;
  }
  const random = randomBytes(8);
  random[0] = (random[0] & 0x3f) | 0x80;
  const hex = lastMs.toString(16).padStart(12, '0') + '7' + sequence.toString(16).padStart(3, '0') + random.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function encodeAuditCursor(at: string, id: string): string {
  return encodeCursor('a', `${at}|${id}`);
}

function decodeAuditCursor(cursor: string): { at: string; id: string } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(decodeCursor('a', cursor));
  if (!match) throw invalidCursor();
  return { at: match[1], id: match[2] };
}
