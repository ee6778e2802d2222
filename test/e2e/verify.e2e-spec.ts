import { jest } from '@jest/globals';
import { Argon2PasswordHasher, PasswordHasher } from '@authbridge/passwords';
import { UserRepository } from '@authbridge/storage';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();
const PASSWORD = 'correct horse battery staple';

describe('POST /v1/auth/verify', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_MAX_FAILURES: '3', THROTTLE_LOCK_SECONDS: '120' });
    await t.accounts.create({ username: 'jane_doe', password: PASSWORD, email: 'jane@example.org', emailVerified: true, realName: 'Jane Doe', groups: ['staff', 'editors'] });
    await t.accounts.create({ username: 'Dora', password: PASSWORD, disabled: true });
    await t.accounts.create({ username: 'Thea', password: PASSWORD });
    await t.accounts.create({ username: 'Nopass' });
  });
  afterAll(() => t.close());

  const verify = (body: unknown, secret = t.secrets['auth:verify']) => t.http.post('/v1/auth/verify').set(bearer(secret)).send(body as object);

  it('passes with the canonical user and no hash, for any spelling of the name', async () => {
    const res = await verify({ username: ' jane_doe ', password: PASSWORD, context: { ip: '203.0.113.9', userAgent: 'Firefox', requestId: 'r1' } }).expect(200);
    expect(res.body).toMatchObject({ result: 'PASS', user: { username: 'Jane doe', email: 'jane@example.org', emailVerified: true, realName: 'Jane Doe', groups: ['editors', 'staff'], disabled: false } });
    expect(validate('verify-response', res.body)).toEqual([]);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
  });

  it('says WRONG_PASSWORD for a known user with the wrong password', async () => {
    const res = await verify({ username: 'Jane doe', password: 'not the password' }).expect(200);
    expect(res.body).toEqual({ result: 'FAIL', code: 'WRONG_PASSWORD' });
    expect(validate('verify-response', res.body)).toEqual([]);
  });

  it('says NO_SUCH_USER for an unknown user and for a name that cannot exist', async () => {
    await verify({ username: 'Nobody here', password: PASSWORD }).expect(200, { result: 'FAIL', code: 'NO_SUCH_USER' });
    await verify({ username: 'Bad[name]', password: PASSWORD }).expect(200, { result: 'FAIL', code: 'NO_SUCH_USER' });
  });

  it('says WRONG_PASSWORD for a user who has no password yet', async () => {
    await verify({ username: 'Nopass', password: PASSWORD }).expect(200, { result: 'FAIL', code: 'WRONG_PASSWORD' });
  });

  it('says ACCOUNT_DISABLED only to someone who knows the password', async () => {
    await verify({ username: 'Dora', password: PASSWORD }).expect(200, { result: 'FAIL', code: 'ACCOUNT_DISABLED' });
    await verify({ username: 'Dora', password: 'a wrong guess' }).expect(200, { result: 'FAIL', code: 'WRONG_PASSWORD' });
  });

  it('locks an account after the configured failures and says THROTTLED with retryAfterSeconds', async () => {
    await verify({ username: 'Thea', password: 'guess one' }).expect(200, { result: 'FAIL', code: 'WRONG_PASSWORD' });
    await verify({ username: 'Thea', password: 'guess two' }).expect(200, { result: 'FAIL', code: 'WRONG_PASSWORD' });
    const third = await verify({ username: 'Thea', password: 'guess three' }).expect(200);
    expect(third.body).toMatchObject({ result: 'FAIL', code: 'THROTTLED' });
    // Even the right password is refused while the lock holds.
    const locked = await verify({ username: 'Thea', password: PASSWORD }).expect(200);
    expect(locked.body.code).toBe('THROTTLED');
    expect(locked.body.retryAfterSeconds).toBeGreaterThan(100);
    expect(locked.body.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(validate('verify-response', locked.body)).toEqual([]);
  });

  it('counts guesses at unknown names too', async () => {
    for (let i = 0; i < 2; i++) await verify({ username: 'Ghost', password: `guess ${i}` }).expect(200, { result: 'FAIL', code: 'NO_SUCH_USER' });
    const res = await verify({ username: 'ghost', password: 'guess 3' }).expect(200);
    expect(res.body.code).toBe('THROTTLED');
  });

  it('rehashes a password made with older argon2 parameters at the next successful login', async () => {
    const weak = await new Argon2PasswordHasher({ memoryKiB: 8192, timeCost: 1, parallelism: 1 }).hash(PASSWORD);
    const users = t.app.get(UserRepository);
    await users.insert({ id: '00000000-0000-4000-8000-000000000001', username: 'Olga', realName: '', email: null, emailVerified: false, groups: [], disabled: false, passwordHash: weak, passwordPreparation: null, createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' });
    await verify({ username: 'Olga', password: PASSWORD }).expect(200);
    const rehashed = (await users.findByUsername('Olga'))!.passwordHash!;
    expect(rehashed).not.toBe(weak);
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,/);
    expect((await verify({ username: 'Olga', password: PASSWORD }).expect(200)).body.result).toBe('PASS');
  });

  it('keeps an admin password reset made between the check and the rehash (the rehash writes only over the hash it checked)', async () => {
    const weak = await new Argon2PasswordHasher({ memoryKiB: 8192, timeCost: 1, parallelism: 1 }).hash(PASSWORD);
    const users = t.app.get(UserRepository);
    await users.insert({ id: '00000000-0000-4000-8000-000000000002', username: 'Raceh', realName: '', email: null, emailVerified: false, groups: [], disabled: false, passwordHash: weak, passwordPreparation: null, createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' });
    const reset = await new Argon2PasswordHasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 }).hash('the admin reset this one');
    // Deterministic race: the admin's reset lands while verify computes the new hash, after it read the old one.
    const hasher = t.app.get(PasswordHasher);
    const original = hasher.hash.bind(hasher);
    const spy = jest.spyOn(hasher, 'hash').mockImplementation(async (password: string) => {
      await users.update('Raceh', { passwordHash: reset }, new Date().toISOString());
      return original(password);
    });
    try {
      expect((await verify({ username: 'Raceh', password: PASSWORD }).expect(200)).body.result).toBe('PASS');
    } finally {
      spy.mockRestore();
    }
    expect((await users.findByUsername('Raceh'))!.passwordHash).toBe(reset);
    expect((await verify({ username: 'Raceh', password: 'the admin reset this one' }).expect(200)).body.result).toBe('PASS');
  });

  describe('client credentials', () => {
    it('refuses a missing credential with 401 problem+json', async () => {
      const res = await t.http.post('/v1/auth/verify').send({ username: 'Jane doe', password: PASSWORD }).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(validate('problem', res.body)).toEqual([]);
    });

    it('refuses a wrong or malformed credential with 401', async () => {
      const forged = t.secrets['auth:verify'].slice(0, -4) + 'AAAA';
      await verify({ username: 'Jane doe', password: PASSWORD }, forged).expect(401);
      await verify({ username: 'Jane doe', password: PASSWORD }, 'not-a-secret').expect(401);
    });

    it('refuses a credential without auth:verify with 403', async () => {
      const res = await verify({ username: 'Jane doe', password: PASSWORD }, t.secrets['users:read']).expect(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('bad input', () => {
    it.each([
      ['a missing password', { username: 'Jane doe' }],
      ['a missing username', { password: PASSWORD }],
      ['a number as password', { username: 'Jane doe', password: 12345678 }],
      ['an array as username', { username: ['Jane doe'], password: PASSWORD }],
      ['a NUL byte in the password', { username: 'Jane doe', password: 'abc\u0000def' }],
      ['a NUL byte in the username', { username: 'Jane\u0000doe', password: PASSWORD }],
      ['a password over 4096 characters', { username: 'Jane doe', password: 'x'.repeat(4097) }],
      ['a username over 1024 characters', { username: 'J'.repeat(1025), password: PASSWORD }],
      ['a context that is not an object', { username: 'Jane doe', password: PASSWORD, context: 'x' }],
    ])('answers %s with 400 VALIDATION_FAILED listing the field', async (_name, body) => {
      const res = await verify(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(validate('problem', res.body)).toEqual([]);
    });

    it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
      const res = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).set('Content-Type', 'application/json').send('{"username": "Jane', ).expect(400);
      expect(res.body.code).toBe('MALFORMED_JSON');
    });

    it('answers a body over 64 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await verify({ username: 'Jane doe', password: 'x'.repeat(70 * 1024) }).expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers a form-encoded body with 415', async () => {
      const res = await t.http.post('/v1/auth/verify').set(bearer(t.secrets['auth:verify'])).type('form').send('username=Jane&password=x').expect(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('never echoes the password or writes it to a log line', async () => {
      const secretPassword = 'Sup3r-secret-value-Zq9';
      await verify({ username: 'Jane doe', password: secretPassword }).expect(200);
      const bad = await verify({ username: 'Jane doe', password: [secretPassword] }).expect(400);
      expect(JSON.stringify(bad.body)).not.toContain(secretPassword);
      expect(t.logs.join('\n')).not.toContain(secretPassword);
      expect(t.logs.join('\n')).not.toContain(t.secrets['auth:verify']);
      expect(t.logs.length).toBeGreaterThan(0);
    });
  });
});
