import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@authbridge/contract';
import { boundedLines, openImportSource, type SourceRecord } from './import-source';

const collect = async (path: string, format: 'csv' | 'jsonl') => {
  const records: SourceRecord[] = [];
  for await (const record of openImportSource(path, format, 0).records()) records.push(record);
  return records;
};

describe('openImportSource', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'authbridge-import-source-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a CSV file without a header never echoes its first row (it may hold a password)', () => {
    it.each([
      ['no username column', 'jane.doe,jane@example.org,Tr0ub4dor&3-secret\nbob,bob@example.org,x\n', ['jane.doe', 'jane@example.org', 'Tr0ub4dor&3-secret']],
      ['username among unknown columns', 'username,Tr0ub4dor&3-secret\nbob,x\n', ['Tr0ub4dor&3-secret']],
      ['a repeated column', 'username,username\nbob,x\n', []],
    ])('%s', async (_case, text, secrets) => {
      const path = join(dir, 'no-header.csv');
      writeFileSync(path, text);
      const error = await collect(path, 'csv').then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      const message = (error as Error).message;
      expect(message).toMatch(/header/);
      for (const secret of secrets) expect(message).not.toContain(secret);
    });

    it('still names the columns it does not know by their position', async () => {
      const path = join(dir, 'positions.csv');
      writeFileSync(path, 'username,hunter2,email,p4ss\nbob,x,,y\n');
      await expect(collect(path, 'csv')).rejects.toThrow(/columns 2 and 4/);
    });
  });

  describe('JSON Lines line length is checked while reading', () => {
    it('refuses a 100 MB line without a newline after reading little more than the limit, and reads on after it', async () => {
      const CHUNK = Buffer.alloc(64 * 1024, 'x');
      let pulled = 0;
      // 100 MB, made only as the reader asks for it: how much was pulled shows how much was buffered.
      async function* hugeLineThenOne() {
        yield Buffer.from('{"username":"ann"}\n{"username":"');
        for (let i = 0; i < 1600; i++) {
          pulled++;
          yield CHUNK;
        }
        yield Buffer.from('"}\n{"username":"bea"}\n');
      }
      const seen: { line: number; text?: string; tooLong?: true; pulled: number }[] = [];
      for await (const line of boundedLines(hugeLineThenOne(), 64 * 1024)) seen.push({ ...line, pulled });
      expect(seen.map(({ line, text, tooLong }) => ({ line, text, tooLong }))).toEqual([
        { line: 1, text: '{"username":"ann"}', tooLong: undefined },
        { line: 2, text: undefined, tooLong: true },
        { line: 3, text: '{"username":"bea"}', tooLong: undefined },
      ]);
      // Refused as soon as the line passed 64 KiB, not after 100 MB were buffered.
      expect(seen[1].pulled).toBeLessThanOrEqual(2);
    });

    it('reports the long line with a clear reason and imports the others', async () => {
      const path = join(dir, 'long.jsonl');
      writeFileSync(path, `{"username":"ann"}\n{"username":"${'y'.repeat(200 * 1024)}"}\r\n{"username":"bea"}`);
      const records = await collect(path, 'jsonl');
      expect(records).toEqual([
        { line: 1, fields: { username: 'ann' } },
        { line: 2, error: 'line too long (over 65536 bytes)' },
        { line: 3, fields: { username: 'bea' } },
      ]);
    });

    it('counts bytes, not characters, and keeps characters split across chunks whole', async () => {
      async function* split() {
        const line = Buffer.from('{"username":"Zoë 😀"}\n', 'utf8');
        for (const byte of line) yield Buffer.from([byte]);
      }
      const lines: unknown[] = [];
      for await (const line of boundedLines(split(), 64)) lines.push(line);
      expect(lines).toEqual([{ line: 1, text: '{"username":"Zoë 😀"}' }]);
      const over: unknown[] = [];
      // 24 bytes of UTF-8.
      for await (const line of boundedLines(split(), 22)) over.push(line);
      expect(over).toEqual([{ line: 1, tooLong: true }]);
    });
  });
});
