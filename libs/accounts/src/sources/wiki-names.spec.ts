import { migrateToLatest, openDatabase, KyselySourceAccountRepository, type Db } from '@authbridge/storage';
import { SystemClock } from '../clock';
import type { SourceAccount } from './account-source';
import { sourceUserId, wikiNameCandidates, WikiNames } from './wiki-names';

const account = (externalId: string, login: string): SourceAccount => ({ externalId, login, email: null, realName: '', passwordHash: null, groups: [], disabled: false, createdAt: null });

describe('wikiNameCandidates (SPEC.md, "Wiki names of website accounts")', () => {
  it.each([
    ['john.smith', '7', 'John.smith'],
    ['mary_ann', '7', 'Mary ann'],
    ['bob@example.org', '7', 'Bob-example.org'],
    ['a[b]|c', '7', 'A-b--c'],
    ['127.0.0.1', '7', 'Website user 7'],
  ])('%s (website id %s) → %s first', (login, id, name) => {
    expect(wikiNameCandidates(login, id)[0]).toBe(name);
  });

  it('then the same with the website id, never the first name again', () => {
    expect(wikiNameCandidates('carol', '57')).toEqual(['Carol', 'Carol (57)', 'Carol (57-2)', 'Carol (57-3)', 'Carol (57-4)', 'Carol (57-5)']);
  });

  it('keeps a long name within MediaWiki\'s limit with its suffix', () => {
    const [, second] = wikiNameCandidates('x'.repeat(235), '123456');
    expect(second.endsWith(' (123456)')).toBe(true);
    expect(Buffer.byteLength(second)).toBeLessThanOrEqual(235);
  });
});

describe('WikiNames', () => {
  let db: Db;
  let names: WikiNames;
  beforeEach(async () => {
    db = openDatabase('sqlite::memory:').db;
    await migrateToLatest(db);
    names = new WikiNames('wordpress', new KyselySourceAccountRepository(db), new SystemClock());
  });
  afterEach(() => db.destroy());

  it('gives a name once and keeps it through a rename; a newcomer with the old login gets another name and id', async () => {
    const first = await names.toUser(account('42', 'alice'));
    expect(first).toMatchObject({ username: 'Alice', id: sourceUserId('wordpress', '42') });
    expect(await names.toUser(account('42', 'alice-renamed'))).toMatchObject({ username: 'Alice', id: first.id });
    const newcomer = await names.toUser(account('99', 'alice'));
    expect(newcomer.username).toBe('Alice (99)');
    expect(newcomer.id).not.toBe(first.id);
  });

  it('hands out each name once under concurrent first sightings of different accounts', async () => {
    const users = await Promise.all(['1', '2', '3', '4'].map((id) => names.toUser(account(id, 'same'))));
    expect(new Set(users.map((u) => u.username)).size).toBe(4);
    expect(users.filter((u) => u.username === 'Same')).toHaveLength(1);
  });

  it('the id is a version-5 UUID of source and website id', () => {
    expect(sourceUserId('wordpress', '42')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sourceUserId('wordpress', '42')).not.toBe(sourceUserId('shop', '42'));
  });
});
