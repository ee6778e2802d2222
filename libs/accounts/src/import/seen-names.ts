import BetterSqlite3 from 'better-sqlite3';

/**
 * The canonical names met so far in one import, with the line of their first appearance, so
 * that a second "alice" (or "Alice", or "alice_") is skipped on every run, not only within a
 * batch. Kept in an anonymous on-disk SQLite database, which SQLite deletes when it closes
 * (or the process dies): memory stays flat however long the file is.
 */
export class SeenNames {
  private readonly db = new BetterSqlite3('');
  private readonly insert;
  private readonly lookup;

  constructor() {
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -8192');
    this.db.exec('create table seen (name text primary key, line integer not null) without rowid');
    this.insert = this.db.prepare('insert or ignore into seen (name, line) values (?, ?)');
    this.lookup = this.db.prepare<[string], { line: number }>('select line from seen where name = ?');
  }

  /** Records the name; returns the line of its first appearance when it was seen before. */
  firstLineOf(name: string, line: number): number | undefined {
    if (this.insert.run(name, line).changes > 0) return undefined;
    return this.lookup.get(name)?.line;
  }

  /** Groups many calls in one transaction, which makes them several times faster. */
  batch<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    this.db.close();
  }
}
