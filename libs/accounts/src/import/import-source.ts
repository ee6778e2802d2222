import { createReadStream, type ReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse, type CsvError, type Options } from 'csv-parse';
import { DomainError } from '@authbridge/contract';

export type ImportFormat = 'csv' | 'jsonl';

/** The columns (CSV) or keys (JSON Lines) an import understands; only `username` is required. */
export const IMPORT_FIELDS = ['username', 'email', 'realName', 'groups', 'passwordHash', 'disabled', 'emailVerified', 'id'] as const;
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

function checkHeader(record: string[]): ImportField[] {
  const names = record.map((name) => name.trim());
  const unknown = names.filter((name) => !(IMPORT_FIELDS as readonly string[]).includes(name));
  if (unknown.length > 0 || !names.includes('username') || new Set(names).size !== names.length) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `The CSV header must name distinct columns out of ${IMPORT_FIELDS.join(',')} including username; ` +
        (unknown.length > 0 ? `unknown: ${unknown.slice(0, 5).join(', ')}.` : `it has: ${names.join(',')}.`),
    );
  }
  return names as ImportField[];
}

async function* jsonLinesRecords(stream: ReadStream): AsyncIterable<SourceRecord> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    if (text.length > MAX_RECORD_BYTES) {
      yield { line, error: 'line too long' };
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
