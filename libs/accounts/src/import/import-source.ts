import { createReadStream, type ReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parse, type CsvError, type Options } from 'csv-parse';
import { DomainError } from '@authbridge/contract';

export type ImportFormat = 'csv' | 'jsonl';

/** The columns (CSV) or keys (JSON Lines) an import understands; only `username` is required. */
export const IMPORT_FIELDS = ['username', 'email', 'realName', 'groups', 'passwordHash', 'disabled', 'emailVerified', 'id', 'passwordPreparation'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** One data line: its fields by name, or why it could not be read. `line` counts from 1, the header included. */
export type SourceRecord =
  | { line: number; fields: Partial<Record<ImportField, unknown>> }
  | { line: number; error: string };

export interface ImportSource {
  format: ImportFormat;
  /** File size and bytes read so far, for a progress bar. */
  totalBytes: number;
  bytesRead(): number;
  records(): AsyncIterable<SourceRecord>;
}

/** `.csv` is CSV; `.jsonl`, `.ndjson` and `.json` are JSON Lines; anything else needs --format. */
export function detectFormat(path: string): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  throw new DomainError('VALIDATION_FAILED', `Cannot tell the format of "${path}" from its extension; pass --format csv or --format jsonl.`);
}

/** Longest line a record may take; a longer one is malformed, and memory stays bounded. */
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Reads an import file record by record: the file is streamed and parsed as it goes, and a
 * consumer that awaits between records holds the reading back (async iteration is pull-based).
 */
export function openImportSource(path: string, format: ImportFormat, totalBytes: number): ImportSource {
  const stream = createReadStream(path);
  return {
    format,
    totalBytes,
    bytesRead: () => stream.bytesRead,
    records: () => (format === 'csv' ? csvRecords(stream) : jsonLinesRecords(stream)),
  };
}

async function* csvRecords(stream: ReadStream): AsyncIterable<SourceRecord> {
  const skipped: SourceRecord[] = [];
  const options: Options<{ record: string[]; line: number }, string[]> = {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: MAX_RECORD_BYTES,
      skip_records_with_error: true,
      // csv-parse's messages quote the field, which may be a password hash: keep only the code.
      on_skip: (error: CsvError | undefined) => {
        skipped.push({ line: Number(error?.lines ?? 0), error: `malformed CSV (${error?.code ?? 'unknown error'})` });
        return undefined;
      },
      on_record: (record, context) => ({ record, line: context.lines }),
  };
  // The typings only admit on_record changing the record type together with `columns`.
  const parser = stream.pipe(parse(options as unknown as Options));
  let header: ImportField[] | undefined;
  try {
    for await (const { record, line } of parser as AsyncIterable<{ record: string[]; line: number }>) {
      yield* skipped.splice(0);
      if (!header) {
        header = checkHeader(record);
        continue;
      }
      if (record.length !== header.length) {
        yield { line, error: `${record.length} fields where the header has ${header.length}` };
        continue;
      }
      const fields: Partial<Record<ImportField, unknown>> = {};
      header.forEach((name, i) => (fields[name] = record[i]));
      yield { line, fields };
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const e = error as CsvError;
    throw new DomainError('VALIDATION_FAILED', `The CSV file cannot be read past line ${Number(e.lines ?? 0)} (${e.code ?? 'read error'}).`);
  }
  yield* skipped.splice(0);
  if (!header) throw new DomainError('VALIDATION_FAILED', 'The CSV file is empty; it needs a header row.');
}

/**
 * The first row must be the header. A file without one starts with a person's data, which may
 * be a password typed into the wrong column: the error names only known column names and the
 * positions of the others, never a cell's text.
 */
function checkHeader(record: string[]): ImportField[] {
  const names = record.map((name) => name.trim());
  const known = (name: string) => (IMPORT_FIELDS as readonly string[]).includes(name);
  const unknown = names.flatMap((name, i) => (known(name) ? [] : [i + 1]));
  const repeated = [...new Set(names.filter((name, i) => known(name) && names.indexOf(name) !== i))];
  if (unknown.length > 0 || !names.includes('username') || repeated.length > 0) {
    const why =
      unknown.length > 0
        ? `${unknown.length === 1 ? 'column' : 'columns'} ${listPositions(unknown)} of the first row ${unknown.length === 1 ? 'is not a column name' : 'are not column names'}`
        : repeated.length > 0
          ? `it repeats ${repeated.join(', ')}`
          : 'it has no username column';
    throw new DomainError(
      'VALIDATION_FAILED',
      `The first row of a CSV file must be a header naming distinct columns out of ${IMPORT_FIELDS.join(',')}, including username; ${why}.`,
    );
  }
  return names as ImportField[];
}

/** "2", "2 and 4", "1, 2 and 3", at most 10. */
function listPositions(positions: number[]): string {
  const shown = positions.slice(0, 10).map(String);
  if (positions.length > 10) shown.push(`${positions.length - 10} more`);
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** One line of a file, or the news that it ran past the limit (its text is not kept). */
export type BoundedLine = { line: number; text: string } | { line: number; tooLong: true };

/**
 * Splits a byte stream into lines ("\n", or "\r\n") holding at most `maxBytes` of any line:
 * a longer line is reported as soon as it passes the limit and the rest of it is dropped as it
 * is read. readline would buffer a whole line first, so one 100 MB line without a newline held
 * 100 MB (200 as a string) before its length could be checked.
 */
export async function* boundedLines(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<BoundedLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let dropping = false;
  let line = 0;
  const finish = (): BoundedLine | undefined => {
    line++;
    if (dropping) {
      dropping = false;
      return undefined;
    }
    let bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    // Decoded only once the line is whole, so a character split across chunks stays intact.
    return { line, text: bytes.toString('utf8') };
  };
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start <= buffer.length) {
      const end = buffer.indexOf(0x0a, start);
      const piece = buffer.subarray(start, end < 0 ? buffer.length : end);
      if (!dropping && piece.length > 0) {
        // A "\r" before the "\n" is not the line's; allow one byte for it.
        if (size + piece.length > maxBytes + 1) {
          dropping = true;
          parts = [];
          size = 0;
          yield { line: line + 1, tooLong: true };
        } else {
          // Copied: a chunk's buffer is not kept alive by the small part of it a line needs.
          parts.push(end < 0 ? Buffer.from(piece) : piece);
          size += piece.length;
        }
      }
      if (end < 0) break;
      const done = finish();
      if (done) yield done;
      start = end + 1;
    }
  }
  if (dropping || size > 0) {
    const done = finish();
    if (done) yield done;
  }
}

async function* jsonLinesRecords(stream: ReadStream): AsyncIterable<SourceRecord> {
  for await (const read of boundedLines(stream, MAX_RECORD_BYTES)) {
    const { line } = read;
    if ('tooLong' in read) {
      yield { line, error: `line too long (over ${MAX_RECORD_BYTES} bytes)` };
      continue;
    }
    const { text } = read;
    if (text.trim() === '') continue;
    if (Buffer.byteLength(text, 'utf8') > MAX_RECORD_BYTES) {
      yield { line, error: `line too long (over ${MAX_RECORD_BYTES} bytes)` };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: 'not valid JSON' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: 'not a JSON object' };
      continue;
    }
    const unknown = Object.keys(value).filter((key) => !(IMPORT_FIELDS as readonly string[]).includes(key));
    if (unknown.length > 0) {
      yield { line, error: `unknown field ${JSON.stringify(unknown[0].slice(0, 40))}` };
      continue;
    }
    yield { line, fields: value as Partial<Record<ImportField, unknown>> };
  }
}
