import { AuditRepository } from '@authbridge/storage';
import { AuditRetention } from '../../apps/identity-api/src/audit/audit-retention';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();
const PASSWORD = 'correct horse battery staple';

describe('GET /v1/audit', () => {
  let t: TestApp;
  const read = () => bearer(t.secrets['audit:read']);

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_RETENTION_DAYS: '30' });
    await t.http.post('/v1/users').set(bearer(t.secrets['users:write'])).send({ username: 'Audra', password: PASSWORD, email: 'audra@example.org' }).expect(201);
    await t.http.patch('/v1/users/Audra').set(bearer(t.secrets['users:write'])).send({ disabled: true }).expect(200);
    await t.http.patch('/v1/users/Audra').set(bearer(t.secrets['users:write'])).send({ disabled: false }).expect(200);
    await t.http.put('/v1/users/Audra/password').set(bearer(t.secrets['users:write'])).send({ password: 'another fine passphrase', currentPassword: 'not-the-current-one' }).expect(403);
    for (const password of ['guess-one-Zq', 'another fine passphrase', PASSWORD]) {
      await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'audra', password, context: { requestId: 'wiki-req-7' } }).expect(200);
    }
  });
  afterAll(() => t.close());

  it('lists verify outcomes and admin changes, newest first, with client, address and no secret', async () => {
    const res = await t.http.get('/v1/audit').query({ username: 'audra' }).set(read()).expect(200);
    expect(validate('audit-page', res.body)).toEqual([]);
    const verifyClient = res.body.items.find((e: { event: string }) => e.event === 'verify').clientId;
    expect(res.body.items.map((e: { event: string; outcome: string }) => `${e.event} ${e.outcome}`)).toEqual([
      'verify PASS',
      'verify WRONG_PASSWORD',
      'verify WRONG_PASSWORD',
      'user.password WRONG_PASSWORD',
      'user.update OK',
      'user.update OK',
      'user.create OK',
    ]);
    expect(res.body.items[0]).toMatchObject({ username: 'Audra', address: '127.0.0.1', passwordChecked: true, detail: { requestId: 'wiki-req-7', addressSource: 'caller' } });
    expect(verifyClient).toMatch(/^[a-z0-9]{16}$/);
    expect(res.body.items[4].detail).toEqual({ fields: ['disabled'], disabled: false, changed: ['disabled'] });
    expect(res.body.items[6].detail.fields).toEqual(['email', 'password', 'username']);
    const text = JSON.stringify(res.body);
    for (const secret of [PASSWORD, 'guess-one-Zq', 'another fine passphrase', 'not-the-current-one', 'argon2']) expect(text).not.toContain(secret);
  });

  it('pages with an opaque cursor and filters by event and time', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.http.get('/v1/audit').query({ username: 'Audra', limit: 3, ...(cursor ? { cursor } : {}) }).set(read()).expect(200);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const verifies = await t.http.get('/v1/audit').query({ event: 'verify', username: 'Audra' }).set(read()).expect(200);
    expect(verifies.body.items).toHaveLength(3);
    const future = await t.http.get('/v1/audit').query({ since: '2999-01-01T00:00:00Z' }).set(read()).expect(200);
    expect(future.body).toEqual({ items: [], nextCursor: null });
  });

  it('records clients created through the services and lock clearing', async () => {
    await t.http.delete('/v1/users/Audra/lock').set(bearer(t.secrets['users:write'])).expect(204);
    const res = await t.http.get('/v1/audit').query({ event: 'unlock' }).set(read()).expect(200);
    expect(res.body.items[0]).toMatchObject({ event: 'unlock', outcome: 'OK', username: 'Audra' });
    const clients = await t.http.get('/v1/audit').query({ event: 'client.create' }).set(read()).expect(200);
    expect(clients.body.items.length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(clients.body)).not.toMatch(/abk_/);
  });

  it('needs audit:read', async () => {
    await t.http.get('/v1/audit').set(bearer(t.secrets['users:write'])).expect(403);
    await t.http.get('/v1/audit').expect(401);
  });

  it('deletes events older than AUDIT_RETENTION_DAYS and keeps the rest', async () => {
    const events = t.app.get(AuditRepository);
    const old = { id: '00000000-0000-7000-8000-000000000001', at: '2020-01-01T00:00:00.000Z', event: 'verify', outcome: 'PASS', username: 'Ancient', clientId: null, address: null, passwordChecked: true, detail: {} };
    await events.insert(old);
    expect((await t.http.get('/v1/audit').query({ username: 'Ancient' }).set(read()).expect(200)).body.items).toHaveLength(1);
    await t.app.get(AuditRetention).prune();
    expect((await t.http.get('/v1/audit').query({ username: 'Ancient' }).set(read()).expect(200)).body.items).toHaveLength(0);
    expect((await t.http.get('/v1/audit').query({ username: 'Audra' }).set(read()).expect(200)).body.items.length).toBeGreaterThan(0);
  });
});
