import { jest } from '@jest/globals';
import { ClientCredentials, Clock } from '@authbridge/accounts';
import { ClientRepository } from '@authbridge/storage';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';

/** The store side of `clients update`/`rotate` and last use, on SQLite and (TEST_DATABASE_URL) PostgreSQL. */
describe('client credentials: update, rotate, last use', () => {
  let t: TestApp;
  let clients: ClientCredentials;
  beforeAll(async () => {
    t = await createTestApp();
    clients = t.app.get(ClientCredentials);
    await t.accounts.create({ username: 'Reader' });
  });
  afterAll(() => t.close());

  it('changes the scopes a secret may use on its next request', async () => {
    const c = await clients.create('scoped', ['audit:read']);
    await t.http.get('/v1/users/Reader').set(bearer(c.secret)).expect(403);
    const { changed } = await clients.update(c.id, { scopes: ['users:read', 'audit:read'] });
    expect(changed).toEqual({ scopesAdded: ['users:read'], scopesRemoved: [] });
    await t.http.get('/v1/users/Reader').set(bearer(c.secret)).expect(200);
  });

  it('keeps the old secret for the grace period only, and both only as hashes', async () => {
    const c = await clients.create('rotating', ['users:read']);
    const rotated = await clients.rotate(c.id, 3600);
    const row = (await t.app.get(ClientRepository).findById(c.id))!;
    expect(JSON.stringify(row)).not.toContain(c.secret.split('_')[2]);
    expect(JSON.stringify(row)).not.toContain(rotated.secret.split('_')[2]);
    await t.http.get('/v1/users/Reader').set(bearer(c.secret)).expect(200);
    const spy = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 3601 * 1000));
    try {
      await t.http.get('/v1/users/Reader').set(bearer(c.secret)).expect(401);
      await t.http.get('/v1/users/Reader').set(bearer(rotated.secret)).expect(200);
    } finally {
      spy.mockRestore();
    }
    // A second rotation ends the first one's grace: only the secret it replaced stays valid.
    const again = await clients.rotate(c.id, 3600);
    await t.http.get('/v1/users/Reader').set(bearer(c.secret)).expect(401);
    await t.http.get('/v1/users/Reader').set(bearer(rotated.secret)).expect(200);
    await t.http.get('/v1/users/Reader').set(bearer(again.secret)).expect(200);
    await clients.revoke(c.id);
    await t.http.get('/v1/users/Reader').set(bearer(rotated.secret)).expect(401);
  });

  it('writes last use at most once a minute per client', async () => {
    const c = await clients.create('busy', ['users:read']);
    const repo = t.app.get(ClientRepository);
    const touch = jest.spyOn(repo, 'touch');
    try {
      for (let i = 0; i < 5; i++) await t.http.get('/v1/users/Reader').set(bearer(c.secret)).expect(200);
      expect(touch.mock.calls.filter(([id]) => id === c.id)).toHaveLength(1);
    } finally {
      touch.mockRestore();
    }
    let lastUsedAt: string | null = null;
    for (let i = 0; i < 50 && lastUsedAt === null; i++) lastUsedAt = (await clients.get(c.id)).lastUsedAt;
    expect(lastUsedAt).toEqual(expect.stringMatching(/^\d{4}-/));
  });
});
