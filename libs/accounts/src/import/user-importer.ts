import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import { DomainError, type ProblemCode } from '@authbridge/contract';
import { UserImportRepository } from '@authbridge/storage';
import { Clock } from '../clock';
import { detectFormat, type ImportFormat } from './import-source';
import type { WorkerMessage } from './import-worker';
import { validatedBatches, type SkippedLine, type ValidatedBatch } from './validated-batches';


export const DEFAULT_IMPORT_BATCH = 1000;
/** Skipped lines listed one by one in the summary; the rest are only counted. */
export const MAX_LISTED_SKIPS = 1000;
/** Batches being written at once (each its own transaction; SQLite runs them one by one). */
const WRITES_IN_FLIGHT = 3;
/** Batches the reading thread may run ahead of the writing one. */
const BATCHES_AHEAD = 3;

export interface ImportSummary {
  file: string;
  format: ImportFormat;
  /** Data lines read (header and empty lines not counted). */
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Existing users no import created, replaced because of `overwriteExisting`. */
  overwritten: number;
  /** Lines skipped (collisions included). */
  skipped: number;
  /** Lines naming an existing user no import created: that user was left as it is (listed in skippedLines). */
  collisions: number;
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
  /** Also replace users no import created (see UpsertOptions). */
  overwriteExisting?: boolean;
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
    const totalBytes = (await stat(path)).size;
    const summary: ImportSummary = { file: path, format, rows: 0, created: 0, updated: 0, unchanged: 0, overwritten: 0, skipped: 0, collisions: 0, skippedLines: [], seconds: 0 };

    const skip = (lines: SkippedLine[]) => {
      summary.skipped += lines.length;
      summary.skippedLines.push(...lines.slice(0, Math.max(0, MAX_LISTED_SKIPS - summary.skippedLines.length)));
    };

    // A few batches are written while the next ones are read and checked: with PostgreSQL that
    // work runs in parallel on the server. Names are unique across the file, so the batches'
    // transactions never touch the same row. Bounded, so memory stays at a few batches.
    const writing: Promise<void>[] = [];
    let writeError: { error: unknown } | undefined;
    const settle = async (keep: number) => {
      while (writing.length > keep) await writing.shift();
      if (writeError) throw writeError.error;
    };
    const write = (batch: ValidatedBatch) =>
      this.repository.upsertBatch(batch.users, this.clock.now().toISOString(), { overwriteExisting: options.overwriteExisting }).then(
        (outcomes) => {
          const taken: SkippedLine[] = [];
          outcomes.forEach((outcome, i) => {
            if (outcome === 'taken') taken.push({ line: batch.lines[i], username: batch.users[i].username, reason: 'created by someone else during the import; run it again to update' });
            else if (outcome === 'id-conflict') taken.push({ line: batch.lines[i], username: batch.users[i].username, reason: 'the id belongs to another user, or this user has another id' });
            else if (outcome === 'collision') {
              summary.collisions++;
              taken.push({
                line: batch.lines[i],
                username: batch.users[i].username,
                reason: 'collision: an existing user that no import created has this name; left unchanged (--overwrite-existing replaces it)',
              });
            }
            else summary[outcome]++;
          });
          skip(taken);
          options.onProgress?.({ bytesRead: batch.bytesRead, totalBytes, rows: batch.rows });
        },
        // Kept until the next batch rethrows it, so it is never an unhandled rejection.
        (error: unknown) => {
          writeError ??= { error };
        },
      );

    try {
      for await (const batch of readBatches(path, format, totalBytes, batchSize)) {
        summary.rows = batch.rows;
        skip(batch.skipped);
        await settle(WRITES_IN_FLIGHT - 1);
        writing.push(write(batch));
      }
      await settle(0);
      await this.repository.ensureDurable();
    } finally {
      await Promise.all(writing);
    }
    // Rows another writer took are reported after the lines validated meanwhile.
    summary.skippedLines.sort((a, b) => a.line - b.line);
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }
}

/**
 * The checked batches of the file: read in a worker thread where the compiled worker exists
 * (the built CLI), so parsing and writing use both cores; in this thread otherwise (ts-jest).
 */
function readBatches(path: string, format: ImportFormat, totalBytes: number, batchSize: number): AsyncIterable<ValidatedBatch> {
  // ESM (ts-jest) has no __dirname, and no compiled worker to start.
  const workerFile = typeof __dirname === 'undefined' ? undefined : join(__dirname, 'import-worker.js');
  if (!workerFile || !existsSync(workerFile)) return validatedBatches(path, format, totalBytes, batchSize);
  return batchesFromWorker(workerFile, { path, format, totalBytes, batchSize, credit: BATCHES_AHEAD });
}

async function* batchesFromWorker(file: string, workerData: object): AsyncGenerator<ValidatedBatch> {
  // A small heap: the reader holds a few batches at a time, and the whole process stays well
  // under the import's memory goal (300 MB for a million rows) on top of the main thread's heap.
  const worker = new Worker(file, { workerData, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 } });
  const queue: WorkerMessage[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure ??= error;
    wake?.();
  });
  worker.on('exit', () => {
    exited = true;
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure && !exited) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift();
      if (!message) throw failure ?? new Error('the import reader stopped without finishing');
      if (message.type === 'done') return;
      if (message.type === 'error') throw message.code ? new DomainError(message.code as ProblemCode, message.message) : new Error(message.message);
      yield message.batch;
      worker.postMessage('credit');
    }
  } finally {
    await worker.terminate();
  }
}
