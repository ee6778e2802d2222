import { createTestApp, bearer, type TestApp } from './helpers/test-app';

/** The same answers from SQLite and PostgreSQL (this suite runs on both, see scripts/test.cjs). */
describe('GET /v1/users orders and matches names the same way on every store', () => {
  let t: TestApp;
  const names = ['Zed', 'Émile', 'Alpha', 'Page B', 'Page a', 'Pagé', 'Ärger', 'Ω mega', '1abc', 'Page x', 'PAGE', 'Éa', 'Eve'];
  const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

  beforeAll(async () => {
    t = await createTestApp();
    for (const username of names) await t.accounts.create({ username });
  });
  afterAll(() => t.close());

  const list = async (query: Record<string, string | number>) => {
    const res = await t.http.get('/v1/users').query({ limit: 200, ...query }).set(bearer(t.secrets['users:read'])).expect(200);
    return res.body.items.map((u: { username: string }) => u.username);
  };

  it('lists in UTF-8 byte order (upper case before lower, accents after ASCII)', async () => {
    expect(await list({})).toEqual([...names].sort(byUtf8));
  });

  it('matches a prefix case-sensitively and byte-wise', async () => {
    expect(await list({ prefix: 'Page' })).toEqual(['Page B', 'Page a', 'Page x']);
    expect(await list({ prefix: 'Pag' })).toEqual(['Page B', 'Page a', 'Page x', 'Pagé']);
    expect(await list({ prefix: 'É' })).toEqual(['Éa', 'Émile']);
    expect(await list({ prefix: 'e' })).toEqual(['Eve']);
  });

  it('finds an email without regard to ASCII case, in name order, through the lower(email) index', async () => {
    await t.accounts.create({ username: 'Mail Zed', email: 'Same@Example.ORG' });
    await t.accounts.create({ username: 'Mail alpha', email: 'same@example.org' });
    await t.accounts.create({ username: 'Mail other', email: 'same@example.org.evil' });
    expect(await list({ email: 'SAME@example.org' })).toEqual(['Mail Zed', 'Mail alpha']);
    expect(await list({ email: 'same@example.or' })).toEqual([]);
    // the other tests here compare against `names` only
    for (const name of ['Mail Zed', 'Mail alpha', 'Mail other']) await t.accounts.delete(name);
  });

  it('pages through the same order with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ username: string }>; nextCursor: string | null } } = await t.http.get('/v1/users').query({ limit: 4, ...(cursor ? { cursor } : {}) }).set(bearer(t.secrets['users:read'])).expect(200);
      seen.push(...res.body.items.map((u: { username: string }) => u.username));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].sort(byUtf8));
  });
});
