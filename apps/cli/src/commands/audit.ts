import type { Command } from 'commander';
import { AuditLog, auditNames, DEFAULT_AUDIT_PAGE, KeyedHashes, MAX_AUDIT_PAGE } from '@authbridge/accounts';
import { AUDIT_EVENTS, DomainError } from '@authbridge/contract';
import { cliContext } from '../context';
import { printJson } from '../output';
import { describeClientChange, describeUserChange } from './change-text';

/** `audit list`: the audit log, newest first, like GET /v1/audit. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log of sign-ins, locks and changes');
  audit
    .command('list')
    .option('--username <name>', 'only events of this name')
    .option('--event <event>', `only this event: ${AUDIT_EVENTS.join(', ')}`)
    .option('--since <time>', 'only events at or after this RFC 3339 time')
    .option('--limit <n>', `page size (1-${MAX_AUDIT_PAGE})`, (v) => Number.parseInt(v, 10), DEFAULT_AUDIT_PAGE)
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .option('--json', 'print JSON for scripts')
    .action(async (o: { username?: string; event?: string; since?: string; limit: number; cursor?: string; json?: boolean }) => {
      if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > MAX_AUDIT_PAGE) throw new DomainError('VALIDATION_FAILED', `--limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}.`);
      if (o.event !== undefined && !(AUDIT_EVENTS as readonly string[]).includes(o.event)) throw new DomainError('VALIDATION_FAILED', `--event must be one of ${AUDIT_EVENTS.join(', ')}.`);
      if (o.since !== undefined && Number.isNaN(Date.parse(o.since))) throw new DomainError('VALIDATION_FAILED', '--since must be a time such as 2026-11-28T12:00:00Z.');
      const context = await cliContext();
      const log = context.get(AuditLog);
      const page = await log.list({ ...o, username: o.username === undefined ? undefined : await auditNames(context.get(KeyedHashes), o.username) });
      if (o.json) return printJson(page);
      for (const e of page.items) {
        const checked = e.event === 'verify' ? (e.passwordChecked ? ' checked' : ' not-checked') : '';
        process.stdout.write(`${e.at}  ${e.event.padEnd(13)} ${e.outcome.padEnd(15)} ${e.username ?? '-'}  client=${e.clientId ?? 'cli'}  address=${e.address ?? '-'}${checked}${whatChanged(e.event, e.detail)}\n`);
      }
      if (page.nextCursor) process.stdout.write(`-- more: --cursor ${page.nextCursor}\n`);
    });
}

/** What a change altered, for the events that have one ("email changed, groups +editor −staff"). */
function whatChanged(event: string, detail: Record<string, unknown>): string {
  if (event === 'user.update' && Array.isArray(detail.changed)) return `  ${describeUserChange(detail)}`;
  if (event === 'client.update') return `  client ${String(detail.client)}: ${describeClientChange(detail)}`;
  if (event === 'client.rotate') return `  client ${String(detail.client)}: secret rotated, old one valid ${String(detail.graceSeconds)} s`;
  if (event === 'client.create' || event === 'client.revoke') return `  client ${String(detail.client)}`;
  return '';
}
