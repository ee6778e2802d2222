import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();

describe('users API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const write = () => bearer(t.secrets['users:write']);
  const read = () => bearer(t.secrets['users:read']);
  const reset = () => bearer(t.secrets['users:password']);

  describe('POST /v1/users', () => {
    it('creates a user under its canonical name and answers 201 with the user JSON', async () => {
      const res = await t.http.post('/v1/users').set(write()).send({ username: 'alice_smith', password: 'a long enough password', email: 'alice@example.org', realName: 'Alice Smith', groups: ['b', 'a', 'a'] }).expect(201);
      expect(res.body).toMatchObject({ username: 'Alice smith', email: 'alice@example.org', emailVerified: false, groups: ['a', 'b'], disabled: false });
      expect(validate('user', res.body)).toEqual([]);
    });

    it('answers 409 USER_EXISTS for another spelling of a taken name', async () => {
      const res = await t.http.post('/v1/users').set(write()).send({ username: 'Alice_smith' }).expect(409);
      expect(res.body.code).toBe('USER_EXISTS');
    });

    it.each(['Bad#name', 'a/b', 'x@y', '127.0.0.1', 'a'.repeat(256), '   '])('answers 400 INVALID_USERNAME for %j', async (username) => {
      const res = await t.http.post('/v1/users').set(write()).send({ username }).expect(400);
      expect(['INVALID_USERNAME', 'VALIDATION_FAILED']).toContain(res.body.code);
    });

    it.each([
      ['too short', 'short'],
      ['on the common-passwords list', 'password123'],
      ['the user name itself', 'Carol Longname'],
    ])('answers 400 PASSWORD_POLICY for a password %s', async (_why, password) => {
      const res = await t.http.post('/v1/users').set(write()).send({ username: 'Carol Longname', password }).expect(400);
      expect(res.body.code).toBe('PASSWORD_POLICY');
      expect(res.body.detail).toMatch(/password/);
    });

    it('answers 400 VALIDATION_FAILED for a bad email and wrong types', async () => {
      const res = await t.http.post('/v1/users').set(write()).send({ username: 'Dan', email: 'not-an-email', groups: 'admins', disabled: 'yes' }).expect(400);
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['disabled', 'email', 'groups']);
    });

    it('needs users:write (403 with users:read)', async () => {
      await t.http.post('/v1/users').set(read()).send({ username: 'Eve' }).expect(403);
    });
  });

  describe('GET /v1/users/{username}', () => {
    it('finds a user by any spelling', async () => {
      const res = await t.http.get('/v1/users/alice_smith').set(read()).expect(200);
      expect(res.body.username).toBe('Alice smith');
      expect(res.body).not.toHaveProperty('passwordHash');
    });

    it('answers 404 USER_NOT_FOUND and 400 INVALID_USERNAME', async () => {
      expect((await t.http.get('/v1/users/Nobody').set(read()).expect(404)).body.code).toBe('USER_NOT_FOUND');
      expect((await t.http.get('/v1/users/' + encodeURIComponent('Bad|name')).set(read()).expect(400)).body.code).toBe('INVALID_USERNAME');
    });

    it('needs users:read', async () => {
      await t.http.get('/v1/users/Alice_smith').set(bearer(t.secrets['auth:verify'])).expect(403);
      await t.http.get('/v1/users/Alice_smith').expect(401);
    });
  });

  describe('GET /v1/users', () => {
    beforeAll(async () => {
      for (const name of ['Page a', 'Page b', 'Page c', 'Page d', 'Page e', 'Pager', 'Other']) await t.accounts.create({ username: name });
    });

    it('pages through a prefix in name order with an opaque cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const res = await t.http.get('/v1/users').query({ prefix: 'page_', limit: 2, ...(cursor ? { cursor } : {}) }).set(read()).expect(200);
        expect(validate('user-page', res.body)).toEqual([]);
        seen.push(...res.body.items.map((u: { username: string }) => u.username));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(['Page a', 'Page b', 'Page c', 'Page d', 'Page e']);
      expect(pages).toBe(3);
    });

    it('treats LIKE wildcards in a prefix literally', async () => {
      const res = await t.http.get('/v1/users').query({ prefix: 'Pag%' }).set(read()).expect(200);
      expect(res.body.items).toEqual([]);
    });

    it('refuses a limit out of range and a forged cursor', async () => {
      expect((await t.http.get('/v1/users').query({ limit: 0 }).set(read()).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await t.http.get('/v1/users').query({ limit: 201 }).set(read()).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await t.http.get('/v1/users').query({ cursor: 'garbage!' }).set(read()).expect(400)).body.code).toBe('INVALID_CURSOR');
    });

    it('finds users by email, whatever its case (the admin page asks "who is jane@example.org?")', async () => {
      await t.accounts.create({ username: 'Mail one', email: 'Shared@Example.org' });
      await t.accounts.create({ username: 'Mail two', email: 'shared@example.org' });
      await t.accounts.create({ username: 'Mail three', email: 'other@example.org' });
      const res = await t.http.get('/v1/users').query({ email: 'SHARED@example.ORG' }).set(read()).expect(200);
      expect(validate('user-page', res.body)).toEqual([]);
      expect(res.body.items.map((u: { username: string }) => u.username)).toEqual(['Mail one', 'Mail two']);
      expect(res.body.nextCursor).toBeNull();
      const none = await t.http.get('/v1/users').query({ email: 'nobody@example.org' }).set(read()).expect(200);
      expect(none.body).toEqual({ items: [], nextCursor: null });
    });

    it('refuses an empty, oversized or NUL-bearing email, and email with prefix, as 400 problem+json', async () => {
      for (const query of [{ email: '' }, { email: 'a'.repeat(10_000) }, { email: 'a\u0000@example.org' }, { prefix: 'a'.repeat(10_000) }, { prefix: 'a\u0000b' }, { email: 'x@example.org', prefix: 'X' }]) {
        const res = await t.http.get('/v1/users').query(query).set(read()).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(validate('problem', res.body)).toEqual([]);
      }
    });

    it('needs users:read to search by email', async () => {
      const res = await t.http.get('/v1/users').query({ email: 'shared@example.org' }).set(bearer(t.secrets['auth:verify'])).expect(403);
      expect(res.body.missingScopes).toEqual(['users:read']);
    });
  });

  describe('PATCH /v1/users/{username}', () => {
    it('changes profile and groups and disables/enables', async () => {
      const res = await t.http.patch('/v1/users/Alice_smith').set(write()).send({ realName: 'Alice S.', email: null, groups: ['x'], disabled: true }).expect(200);
      expect(res.body).toMatchObject({ realName: 'Alice S.', email: null, groups: ['x'], disabled: true });
      const verify = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Alice smith', password: 'a long enough password' }).expect(200);
      expect(verify.body.code).toBe('ACCOUNT_DISABLED');
      await t.http.patch('/v1/users/Alice_smith').set(write()).send({ disabled: false }).expect(200);
      const again = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Alice smith', password: 'a long enough password' }).expect(200);
      expect(again.body.result).toBe('PASS');
    });

    it('answers 404 for an unknown user', async () => {
      expect((await t.http.patch('/v1/users/Nobody').set(write()).send({ realName: 'x' }).expect(404)).body.code).toBe('USER_NOT_FOUND');
    });
  });

  describe('PUT /v1/users/{username}/password', () => {
    it('checks currentPassword when given, then changes the password', async () => {
      const wrong = await t.http.put('/v1/users/Alice_smith/password').set(write()).send({ password: 'a brand new passphrase', currentPassword: 'nope nope nope' }).expect(403);
      expect(wrong.body.code).toBe('WRONG_PASSWORD');
      await t.http.put('/v1/users/Alice_smith/password').set(write()).send({ password: 'a brand new passphrase', currentPassword: 'a long enough password' }).expect(204);
      const res = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Alice smith', password: 'a brand new passphrase' }).expect(200);
      expect(res.body.result).toBe('PASS');
    });

    it('applies the password policy', async () => {
      expect((await t.http.put('/v1/users/Alice_smith/password').set(reset()).send({ password: '1234567' }).expect(400)).body.code).toBe('PASSWORD_POLICY');
    });

    it('needs users:password to set a password without the current one (a profile editor cannot take the account over)', async () => {
      const res = await t.http.put('/v1/users/Alice_smith/password').set(write()).send({ password: 'the attackers passphrase' }).expect(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('users:password') });
      const attacker = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Alice smith', password: 'the attackers passphrase' }).expect(200);
      expect(attacker.body.code).toBe('WRONG_PASSWORD');
      await t.http.put('/v1/users/Alice_smith/password').set(reset()).send({ password: 'an administrators reset' }).expect(204);
      const owner = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Alice smith', password: 'an administrators reset' }).expect(200);
      expect(owner.body.result).toBe('PASS');
    });
  });

  describe('DELETE /v1/users/{username}', () => {
    it('deletes the user (204, audited); the name no longer logs in and a new user of it gets a new id', async () => {
      const created = await t.http.post('/v1/users').set(write()).send({ username: 'Short lived', password: 'a long enough password' }).expect(201);
      await t.http.delete('/v1/users/short_lived').set(write()).expect(204);
      expect((await t.http.get('/v1/users/Short_lived').set(read()).expect(404)).body.code).toBe('USER_NOT_FOUND');
      const verify = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).send({ username: 'Short lived', password: 'a long enough password' }).expect(200);
      expect(verify.body.code).toBe('NO_SUCH_USER');
      const audit = await t.http.get('/v1/audit').query({ event: 'user.delete', username: 'Short lived' }).set(bearer(t.secrets['audit:read'])).expect(200);
      expect(audit.body.items).toEqual([expect.objectContaining({ event: 'user.delete', outcome: 'OK', username: 'Short lived' })]);
      const again = await t.http.post('/v1/users').set(write()).send({ username: 'Short lived' }).expect(201);
      expect(again.body.id).not.toBe(created.body.id);
    });

    it('answers 404 for an unknown user, 400 for an impossible name, 403 without users:write', async () => {
      expect((await t.http.delete('/v1/users/Nobody_at_all').set(write()).expect(404)).body.code).toBe('USER_NOT_FOUND');
      expect((await t.http.delete('/v1/users/a%7Cb').set(write()).expect(400)).body.code).toBe('INVALID_USERNAME');
      expect((await t.http.delete('/v1/users/Alice_smith').set(read()).expect(403)).body.code).toBe('FORBIDDEN');
      await t.http.get('/v1/users/Alice_smith').set(read()).expect(200);
    });
  });
});
