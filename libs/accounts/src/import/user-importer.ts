import { stat } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { UserImportRepository, type ImportedUser } from '@authbridge/storage';
import { Clock } from '../clock';
import { detectFormat, openImportSource, type ImportFormat, type SourceRecord } from './import-source';
import { parseImportRow } from './import-row';
import { SeenNames } from './seen-names';

export const DEFAULT_IMPORT_BATCH = 1000;
/** Skipped lines listed one by one in the summary; the rest are only counted. */
export const MAX_LISTED_SKIPS = 1000;
/** Batches being written at once (each its own transaction; SQLite runs them one by one). */
const WRITES_IN_FLIGHT = 3;

export interface SkippedLine {
  line: number;
  /** As written in the file (shortened), when the line had one. */
  username?: string;
  reason: string;
}

export interface ImportSummary {
  file: string;
  format: ImportFormat;
  /** Data lines read (header and empty lines not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** The first MAX_LISTED_SKIPS skipped lines, in file order. */
  skippedLines: SkippedLine[];
  seconds: number;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ImportOptions {
  format?: ImportFormat;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Imports users from a CSV or JSON Lines file into the store: streamed, validated row by row,
 * written in batches of one transaction each. Every batch is an idempotent upsert by canonical
 * name, so a run that was killed half-way is completed by running it again.
 */
@Injectable()
export class UserImporter {
  constructor(
    private readonly repository: UserImportRepository,
    private readonly clock: Clock,
  ) {}

  async importFile(path: string, options: ImportOptions = {}): Promise<ImportSummary> {
    const started = Date.now();
    const format = options.format ?? detectFormat(path);
    const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
    const source = openImportSource(path, format, (await stat(path)).size);
    const summary: ImportSummary = { file: path, format, rows: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, skippedLines: [], seconds: 0 };
    const seen = new SeenNames();

    const skip = (line: number, reason: string, username?: unknown) => {
      summary.skipped++;
      if (summary.skippedLines.length < MAX_LISTED_SKIPS) {
        summary.skippedLines.push(typeof username === 'string' && username !== '' ? { line, username: username.slice(0, 100), reason } : { line, reason });
      }
    };

    let batch: { line: number; user: ImportedUser }[] = [];
    // A few batches are written while the next ones are read and checked: with PostgreSQL that
    // work runs in parallel on the server. Names are unique across the file, so the batches'
    // transactions never touch the same row. Bounded, so memory stays at a few batches.
    const writing: Promise<void>[] = [];
    let writeError: { error: unknown } | undefined;
    const settle = async (keep: number) => {
      while (writing.length > keep) await writing.shift();
      if (writeError) throw writeError.error;
    };
    const flush = async () => {
      await settle(WRITES_IN_FLIGHT - 1);
      if (batch.length === 0) return;
      const written = batch;
      batch = [];
      const write = this.repository.upsertBatch(written.map((entry) => entry.user), this.clock.now().toISOString()).then(
        (outcomes) => {
          outcomes.forEach((outcome, i) => {
            if (outcome === 'taken') skip(written[i].line, 'created by someone else during the import; run it again to update', written[i].user.username);
            else summary[outcome]++;
          });
          options.onProgress?.({ bytesRead: source.bytesRead(), totalBytes: source.totalBytes, rows: summary.rows });
        },
        // Kept until the next flush rethrows it, so it is never an unhandled rejection.
        (error: unknown) => {
          writeError ??= { error };
        },
      );
      writing.push(write);
    };

    try {
      let pending: SourceRecord[] = [];
      const validate = () => {
        // Name bookkeeping is synchronous SQLite: one transaction per group of rows.
        seen.batch(() => {
          for (const record of pending) {
            summary.rows++;
            if ('error' in record) {
              skip(record.line, record.error);
              continue;
            }
            const row = parseImportRow(record.fields);
            if (!row.ok) {
              skip(record.line, row.reason, record.fields.username);
              continue;
            }
            const first = seen.firstLineOf(row.user.username, record.line);
            if (first !== undefined) {
              skip(record.line, `the same user name as line ${first}`, record.fields.username);
              continue;
            }
            batch.push({ line: record.line, user: row.user });
          }
        });
        pending = [];
      };
      for await (const record of source.records()) {
        pending.push(record);
        if (pending.length >= batchSize) {
          validate();
          if (batch.length >= batchSize) await flush();
        }
      }
      validate();
      await flush();
      await settle(0);
    } finally {
      await Promise.all(writing);
      seen.close();
    }
    // Rows another writer took are reported after the lines validated meanwhile.
    summary.skippedLines.sort((a, b) => a.line - b.line);
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }
}
