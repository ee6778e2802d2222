import type { ImportedUser } from '@authbridge/storage';
import { openImportSource, type ImportFormat, type SourceRecord } from './import-source';
import { parseImportRow } from './import-row';
import { SeenNames } from './seen-names';

export interface SkippedLine {
  line: number;
  /** As written in the file (shortened), when the line had one. */
  username?: string;
  reason: string;
}

/** The users of up to `batchSize` consecutive rows, ready to store, and the rows skipped among them. */
export interface ValidatedBatch {
  users: ImportedUser[];
  /** The line of each user, for reasons reported after the write. */
  lines: number[];
  skipped: SkippedLine[];
  /** Data rows read so far, and bytes of the file. */
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

function skippedLine(line: number, reason: string, username?: unknown): SkippedLine {
  return typeof username === 'string' && username !== '' ? { line, username: username.slice(0, 100), reason } : { line, reason };
}

/**
 * Reads an import file and checks it row by row: parsing, the row's fields, and names repeated
 * from an earlier line (the first one wins). Everything that does not touch the store, so it
 * can run in a worker thread next to the one that writes.
 */
export async function* validatedBatches(path: string, format: ImportFormat, totalBytes: number, batchSize: number): AsyncGenerator<ValidatedBatch> {
  const source = openImportSource(path, format, totalBytes);
  const seen = new SeenNames();
  let rows = 0;
  let pending: SourceRecord[] = [];
  // Name bookkeeping is synchronous SQLite: one transaction per batch of rows.
  const check = (records: SourceRecord[]): ValidatedBatch =>
    seen.batch(() => {
      const batch: ValidatedBatch = { users: [], lines: [], skipped: [], rows: 0, bytesRead: 0, totalBytes };
      for (const record of records) {
        rows++;
        if ('error' in record) {
          batch.skipped.push(skippedLine(record.line, record.error));
          continue;
        }
        const row = parseImportRow(record.fields);
        if (!row.ok) {
          batch.skipped.push(skippedLine(record.line, row.reason, record.fields.username));
          continue;
        }
        const first = seen.firstLineOf(row.user.username, record.line);
        if (first !== undefined) {
          batch.skipped.push(skippedLine(record.line, `the same user name as line ${first}`, record.fields.username));
          continue;
        }
        batch.users.push(row.user);
        batch.lines.push(record.line);
      }
      batch.rows = rows;
      batch.bytesRead = source.bytesRead();
      return batch;
    });
  try {
    for await (const record of source.records()) {
      pending.push(record);
      if (pending.length >= batchSize) {
        yield check(pending);
        pending = [];
      }
    }
    yield check(pending);
  } finally {
    seen.close();
  }
}
