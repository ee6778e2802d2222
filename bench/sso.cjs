'use strict';
// `npm run bench -- sso`: median wall time of a single-sign-on login (ticket issue at the API,
// then the wiki's Special:AuthBridgeLogin: local signature check, redeem, AuthManager login)
// against the wiki's password login through AuthBridge (login token + action=clientlogin,
// which asks the API to verify an argon2id hash), measured alternately in the same run on the
// same wiki and API.
const path = require('node:path');
const { median } = require('./stats.cjs');
const { startIdentityApi, startWiki, WikiClient } = require(path.join(__dirname, '..', 'test', 'support', 'index.cjs'));

const ROUNDS = Number(process.env.BENCH_SSO_ROUNDS || 15);
const USER = { username: 'Bench user', password: 'Bench password 42', email: 'bench@example.org', realName: 'Bench', groups: ['editors'] };

/** Follows the wiki's answer to the ticket and checks the session it set is logged in. */
async function ssoLogin(api, websiteSecret, wiki) {
  const issued = await api.request('POST', '/v1/sso/tickets', { secret: websiteSecret, body: { username: USER.username } });
  if (issued.status !== 201) throw new Error(`ticket: HTTP ${issued.status}`);
  const res = await fetch(issued.body.loginUrl, { redirect: 'manual', headers: { 'user-agent': 'AuthBridge bench' } });
  await res.arrayBuffer();
  if (res.status !== 302 || !res.headers.getSetCookie().some((c) => /UserID=/.test(c))) {
    throw new Error(`Special:AuthBridgeLogin answered HTTP ${res.status} without a login`);
  }
  return res.headers.getSetCookie();
}

async function passwordLogin(wiki) {
  const client = new WikiClient(wiki.apiUrl);
  const result = await client.clientLogin(USER.username, USER.password);
  if (result.status !== 'PASS') throw new Error(`clientlogin: ${JSON.stringify(result)}`);
}

async function run() {
  const api = await startIdentityApi({ env: { SSO_ISSUER: 'bench' } });
  let wiki;
  try {
    const wikiClient = await api.createClient('wiki', ['auth:verify', 'users:read', 'sso:redeem']);
    const website = await api.createClient('website', ['sso:issue']);
    await api.createUser(USER);
    wiki = await startWiki({
      settings: {
        AuthBridgeApiUrl: api.url, AuthBridgeApiSecret: wikiClient.secret, AuthBridgeWikiId: 'bench-wiki',
        AuthBridgeSsoIssuer: 'bench', AuthBridgeGroupMap: { editors: 'editor' },
      },
    });
    await api.cli(['sso', 'wikis', 'add', '--id', 'bench-wiki', '--url', wiki.url]);
    // Warm-up: creates the wiki account, fills caches and opcache on both paths.
    await ssoLogin(api, website.secret, wiki);
    await passwordLogin(wiki);
    const sso = [];
    const password = [];
    for (let i = 0; i < ROUNDS; i++) {
      let t = process.hrtime.bigint();
      await ssoLogin(api, website.secret, wiki);
      sso.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await passwordLogin(wiki);
      password.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const ssoMedian = median(sso);
    const passwordMedian = median(password);
    return {
      rounds: ROUNDS,
      ssoIssueRedeemLoginMedianMs: ssoMedian,
      passwordLoginThroughAuthBridgeMedianMs: passwordMedian,
      ssoToPasswordRatio: ssoMedian / passwordMedian,
    };
  } finally {
    await wiki?.dispose();
    await api.dispose();
  }
}

module.exports = { run };

if (require.main === module) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (error) => {
    console.error(error);
    process.exit(1);
  });
}
