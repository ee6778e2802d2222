// The outbox's claim (SPEC.md, "Delivery: an outbox in the store") on the store itself: many
// claimers on their own connections, as several API instances are, never take one row twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyselyAccountEventRepository, isPostgresUrl, migrateToLatest, openDatabase, type Db } from '@authbridge/storage';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database';

const ROWS = 300;
const CLAIMERS = 6;

describe('account_event_deliveries: claiming due rows', () => {
  let url: string;
  let scratch: ScratchDatabase | undefined;
  let dir: string | undefined;
  const dbs: Db[] = [];

  beforeAll(async () => {
    const base = process.env.TEST_DATABASE_URL ?? 'sqlite::memory:';
    if (isPostgresUrl(base)) {
      scratch = await createScratchDatabase(base);
      url = scratch.url;
    } else {
      // One file, several connections: what the API and the CLI share on SQLite.
      dir = mkdtempSync(join(tmpdir(), 'authbridge-outbox-'));
      url = `sqlite:${join(dir, 'outbox.sqlite')}`;
    }
    for (let i = 0; i < CLAIMERS; i++) dbs.push(openDatabase(url, { poolSize: 2 }).db);
    await migrateToLatest(dbs[0]);
    await dbs[0].insertInto('sso_wikis').values([
      { id: 'wiki-a', url: 'http://127.0.0.1:9/w', client_id: 'c', created_at: '' },
      { id: 'wiki-b', url: 'http://127.0.0.1:10/w', client_id: 'c', created_at: '' },
    ]).execute();
    const events = Array.from({ length: ROWS / 2 }, (_, i) => ({ userId: `u${i}`, username: `User ${i}`, change: 'disabled' as const, state: 'disabled' as const }));
    await new KyselyAccountEventRepository(dbs[0]).record(events, Date.now() - 1000);
  });
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    await scratch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records one delivery per event and registered wiki, with increasing seq', async () => {
    const rows = await dbs[0].selectFrom('account_event_deliveries').select(['seq', 'wiki_id']).orderBy('id').execute();
    expect(rows).toHaveLength(ROWS);
    const seqs = rows.filter((r) => r.wiki_id === 'wiki-a').map((r) => Number(r.seq));
    expect(seqs).toEqual([...seqs].sort((p, q) => p - q));
    expect(new Set(seqs).size).toBe(ROWS / 2);
  });

  it(`${CLAIMERS} claimers polling at once take every due row exactly once`, async () => {
    const taken = new Map<number, string>();
    const doubles: number[] = [];
    await Promise.all(dbs.map(async (db, i) => {
      const outbox = new KyselyAccountEventRepository(db);
      for (;;) {
        const claim = { token: `claimer-${i}-${Math.random().toString(36).slice(2)}`, until: Date.now() + 60000 };
        const rows = await outbox.claimDue(Date.now(), claim, 7);
        if (rows.length === 0) break;
        for (const row of rows) {
          if (taken.has(row.id)) doubles.push(row.id);
          taken.set(row.id, claim.token);
        }
      }
    }));
    expect(doubles).toEqual([]);
    expect(taken.size).toBe(ROWS);
  });

  it('lets only the holder of a claim complete the row', async () => {
    const outbox = new KyselyAccountEventRepository(dbs[0]);
    const [row] = await dbs[0].selectFrom('account_event_deliveries').select(['id', 'claim_token']).limit(1).execute();
    expect(await outbox.finish(Number(row.id), 'someone-else', { status: 'delivered', httpStatus: 204, at: Date.now() })).toBe(false);
    expect(await outbox.finish(Number(row.id), row.claim_token!, { status: 'delivered', httpStatus: 204, at: Date.now() })).toBe(true);
  });
});
