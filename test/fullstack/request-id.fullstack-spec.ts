// One login, one id: the wiki's log line for the verify call and the identity API's lines for
// that request carry the same request id (MediaWiki's own, sent as X-Request-Id). Issue 11.
// Fails, never skips, when php or MediaWiki is missing.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Harness, IdentityApi, Wiki } from '../support/types';

const harness = createRequire(path.resolve('test/support/index.cjs'))(path.resolve('test/support/index.cjs')) as Harness;

jest.setTimeout(60000);

const JANE = { username: 'Request id person', password: 'Request id pass 42' };

describe(`request ids from the wiki to the API (${harness.mediawikiLabel()})`, () => {
  let api: IdentityApi;
  let wiki: Wiki;

  beforeAll(async () => {
    // The request logger writes "request completed" for answered requests with LOG_REQUESTS=all, at info.
    api = await harness.startIdentityApi({ env: { LOG_LEVEL: 'info', LOG_REQUESTS: 'all' } });
    const { secret } = await api.createClient('wiki', ['auth:verify', 'users:read'], { forwardsEndUserAddress: true });
    await api.createUser(JANE);
    wiki = await harness.startWiki({ settings: { AuthBridgeApiUrl: api.url, AuthBridgeApiSecret: secret, AuthBridgeAuthoritative: false } });
  }, 120000);

  afterAll(async () => {
    await wiki?.dispose();
    await api?.dispose();
  });

  it("finds the id of the wiki's log line for a login on the API's lines for the same verify", async () => {
    const before = wiki.authBridgeLog().length;
    expect((await new harness.WikiClient(wiki.apiUrl).clientLogin(JANE.username, JANE.password)).status).toBe('PASS');

    const wikiLine = /POST \/v1\/auth\/verify answered HTTP 200 in \d+ ms \(request id ([A-Za-z0-9._@:-]{1,128})\)/.exec(wiki.authBridgeLog().slice(before));
    expect(wikiLine).not.toBeNull();
    const id = wikiLine![1];

    const apiLines = api.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { reqId?: string; msg?: string; url?: string });
    const ofThatRequest = apiLines.filter((l) => l.reqId === id);
    expect(ofThatRequest.map((l) => [l.msg, l.url])).toContainEqual(['request completed', '/v1/auth/verify']);
    expect(wiki.extensionPhpProblems()).toEqual([]);
  });
});
