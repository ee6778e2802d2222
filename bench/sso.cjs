'use strict';
// `npm run bench -- sso`: median wall time of a single-sign-on login (the wiki's start, which
// sets the nonce cookie; ticket issue at the API; then the wiki's Special:AuthBridgeLogin: local
// signature and nonce check, redeem, AuthManager login)
// against the wiki's password login through AuthBridge (login token + action=clientlogin,
// which asks the API to verify an argon2id hash), measured alternately in the same run on the
// same wiki and API.
const path = require('node:path');
const { median } = require('./stats.cjs');
const { startIdentityApi, startWiki, WikiClient } = require(path.join(__dirname, '..', 'test', 'support', 'index.cjs'));

const ROUNDS = Number(process.env.BENCH_SSO_ROUNDS || 15);
const USER = { username: 'Bench user', password: 'Bench password 42', email: 'bench@example.org', realName: 'Bench', groups: ['editors'] };

/**
 * Starts the hand-off at the wiki (nonce cookie, and its hash in the redirect to the website,
 * which the bench plays), follows the wiki's answer to the ticket with that cookie and checks
 * the session it set is logged in.
 */
async function ssoLogin(api, websiteSecret, wiki) {
  const headers = { 'user-agent': 'AuthBridge bench' };
  const start = await fetch(`${wiki.url}/index.php?title=Special:AuthBridgeLogin&start=1`, { redirect: 'manual', headers });
  await start.arrayBuffer();
  const setCookies = start.headers.getSetCookie();
  const nonce = start.status === 302 ? new URL(start.headers.get('location')).searchParams.get('nonce') : null;
  if (!setCookies.some((c) => /AuthBridgeSsoNonce=/.test(c)) || !nonce) throw new Error(`Special:AuthBridgeLogin?start=1 answered HTTP ${start.status} without a nonce`);
  const issued = await api.request('POST', '/v1/sso/tickets', { secret: websiteSecret, body: { username: USER.username, nonce } });
  if (issued.status !== 201) throw new Error(`ticket: HTTP ${issued.status}`);
  // The nonce cookie and the wiki session that noted its hash, as a browser sends them back
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(issued.body.loginUrl, { redirect: 'manual', headers: { ...headers, cookie } });
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
        // The website is played by ssoLogin; the start only needs somewhere to send the nonce.
        AuthBridgeSsoStartUrl: 'http://127.0.0.1:9/go-to-wiki.php',
      },
    });
    await api.cli(['sso', 'wikis', 'add', '--id', 'bench-wiki', '--url', wiki.url, '--client', wikiClient.id]);
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
