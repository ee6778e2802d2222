import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { AccountNotifications, AuditLog, UserImporter, DEFAULT_IMPORT_BATCH, type ImportFormat, type ImportSummary } from '@authbridge/accounts';
import { DomainError } from '@authbridge/contract';
import { cliContext } from '../context';
import { printJson } from '../output';

/** Skipped lines printed in the human summary; --json lists up to MAX_LISTED_SKIPS. */
const PRINTED_SKIPS = 50;

async function importer(): Promise<UserImporter> {
  const ctx = await cliContext();
  return ctx.get(UserImporter);
}

/** A progress bar on standard error, only when that is a terminal. */
function progressBar(): { update(bytes: number, total: number, rows: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    hideCursor: true,
    fps: 5,
  });
  const started = Date.now();
  let running = false;
  return {
    update(bytes, total, rows) {
      if (!running) bar.start(Math.max(total, 1), 0, { rows: 0, rate: 0 });
      running = true;
      bar.update(bytes, { rows, rate: Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
    stop: () => running && bar.stop(),
  };
}

function printSummary(s: ImportSummary): void {
  const lines = [
    `Imported ${s.file} (${s.format}): ${s.rows} rows in ${s.seconds.toFixed(1)} s`,
    `  created    ${s.created}`,
    `  updated    ${s.updated}`,
    `  unchanged  ${s.unchanged}`,
    ...(s.overwritten ? [`  overwritten ${s.overwritten}`] : []),
    `  skipped    ${s.skipped}${s.collisions ? ` (${s.collisions} collisions with users no import created)` : ''}`,
    ...s.skippedLines.slice(0, PRINTED_SKIPS).map((k) => `  line ${k.line}${k.username === undefined ? '' : ` (${JSON.stringify(k.username)})`}: ${k.reason}`),
  ];
  if (s.skipped > PRINTED_SKIPS) lines.push(`  ... and ${s.skipped - PRINTED_SKIPS} more skipped lines (--json lists up to ${s.skippedLines.length})`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** `users import FILE`: bring existing accounts, with their password hashes, from CSV or JSON Lines. */
export function registerUserImportCommand(program: Command): void {
  const users = program.commands.find((command) => command.name() === 'users');
  if (!users) throw new Error('the users command group must be registered first');
  users
    .command('import <file>')
    .description(
      'create or update users from a CSV file (header: username,email,realName,groups,passwordHash,disabled,emailVerified; ' +
        'groups separated by "|" or ";") or JSON Lines (one object per line, same keys). Re-running a file changes nothing; ' +
        'an interrupted import completes when run again.',
    )
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'jsonl']))
    .option('--batch-size <n>', 'rows per transaction', (v) => Number.parseInt(v, 10), DEFAULT_IMPORT_BATCH)
    .option('--json', 'print the summary as JSON for scripts')
    .option(
      '--overwrite-existing',
      'also replace users no import created (made by the API or `users create`, or before provenance was recorded) whose name a line has; ' +
        'by default such a line is a reported collision and the user is left as it is',
    )
    .action(async (file: string, o: { format?: ImportFormat; batchSize: number; json?: boolean; overwriteExisting?: boolean }) => {
      if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 10000) {
        throw new DomainError('VALIDATION_FAILED', '--batch-size must be a whole number from 1 to 10000.');
      }
      const bar = progressBar();
      let summary: ImportSummary;
      try {
        summary = await (await importer()).importFile(file, {
          format: o.format,
          batchSize: o.batchSize,
          overwriteExisting: o.overwriteExisting === true,
          onProgress: (p) => bar.update(p.bytesRead, p.totalBytes, p.rows),
        });
      } finally {
        bar.stop();
      }
      // One audit event per import run: the counts, not the rows (the file may hold a million).
      const { file: source, format, rows, created, updated, unchanged, overwritten, skipped, collisions } = summary;
      await (await cliContext()).get(AuditLog).record({
        event: 'user.import',
        outcome: skipped ? 'partial' : 'ok',
        detail: { file: source, format, rows, created, updated, unchanged, overwritten, skipped, collisions },
      });
      // Changed passwords and disabled flags were queued for the wikis with each batch; send what
      // can be sent now (a running API delivers the rest and retries).
      await (await cliContext()).get(AccountNotifications).drain(10_000);
      if (o.json) printJson(summary);
      else printSummary(summary);
    });
}
