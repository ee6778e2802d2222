import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();

// Issue 10 item 4: a client secret belongs in the Authorization header only.
describe('client secret placement', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOG_REQUESTS: 'all' });
    await t.accounts.create({ username: 'Quinn', password: 'correct horse battery staple' });
  });
  afterAll(() => t.close());

  it('GET /v1/users/{name} refuses ?access_token= with 401 problem+json', async () => {
    const res = await t.http.get(`/v1/users/Quinn?access_token=${encodeURIComponent(t.secrets['users:read'])}`).expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(validate('problem', res.body)).toEqual([]);
  });

  it('POST /v1/auth/verify refuses access_token in the body with 401 problem+json', async () => {
    const res = await t.http.post('/v1/auth/verify').send({ access_token: t.secrets['auth:verify'], username: 'Quinn', password: 'x' }).expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a query-string secret even beside a valid Authorization header', async () => {
    await t.http.get('/v1/users/Quinn?access_token=whatever').set(bearer(t.secrets['users:read'])).expect(401);
    await t.http.get('/v1/users/Quinn').set(bearer(t.secrets['users:read'])).expect(200);
  });

  it('the access log never carries the query string', async () => {
    const marker = 'qs-marker-7c1f';
    await t.http.get(`/v1/users/Quinn?access_token=${marker}&other=${marker}`).expect(401);
    await t.http.get(`/health/live?probe=${marker}`).expect(200);
    const lines = t.logs.join('');
    expect(lines).toContain('/health/live?[redacted]');
    expect(lines).not.toContain(marker);
  });
});
