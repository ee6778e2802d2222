import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from './database';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('openDatabase (SQLite file)', () => {
  let dir: string;
  let umask: number;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'authbridge-db-mode-'));
    // The usual umask, which leaves new files readable by everyone (0644).
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the store and its -wal and -shm files readable by the owner only (0600): they hold password hashes', async () => {
    const path = join(dir, 'new', 'store.sqlite');
    const { db } = openDatabase(`sqlite:${path}`);
    try {
      await sql`create table t (x text)`.execute(db);
      await sql`insert into t values ('a')`.execute(db);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(file)).toBe(true);
        expect(mode(file).toString(8)).toBe('600');
      }
      expect(mode(join(dir, 'new')).toString(8)).toBe('700');
    } finally {
      await db.destroy();
    }
  });

  it("keeps an existing store's mode: the operator may have chosen one (a backup group)", async () => {
    const path = join(dir, 'existing.sqlite');
    writeFileSync(path, '');
    chmodSync(path, 0o640);
    const { db } = openDatabase(`sqlite:${path}`);
    try {
      await sql`create table t (x text)`.execute(db);
      expect(mode(path).toString(8)).toBe('640');
      expect(mode(`${path}-wal`).toString(8)).toBe('640');
    } finally {
      await db.destroy();
    }
  });
});
