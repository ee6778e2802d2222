import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from '../../apps/identity-api/src/openapi/openapi';
import { createTestApp, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();

describe('health, documents and unknown routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health/live and /health/ready need no credential', async () => {
    expect(validate('health', (await t.http.get('/health/live').expect(200)).body)).toEqual([]);
    expect(validate('health', (await t.http.get('/health/ready').expect(200)).body)).toEqual([]);
  });

  it('GET /openapi.json and /docs need no credential', async () => {
    const res = await t.http.get('/openapi.json').expect(200);
    expect(res.body.paths['/v1/auth/verify']).toBeDefined();
    await t.http.get('/docs/').expect(200);
  });

  it('answers an unknown route with 404 problem+json (after authentication)', async () => {
    const res = await t.http.get('/v1/nope').set({ Authorization: `Bearer ${t.secrets.all}` }).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(validate('problem', res.body)).toEqual([]);
  });

  it('the committed openapi.json matches the code (run `npm run openapi:write` after an API change)', () => {
    const committed = JSON.parse(readFileSync(resolve('mediawiki-extension-contract/openapi.json'), 'utf8'));
    expect(buildOpenApiDocument(t.app)).toEqual(committed);
  });
});
