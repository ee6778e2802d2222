'use strict';
// `npm run bench -- lifecycle`: how long a website change takes to reach the wiki (issue 9: within
// 5 s when the wiki is reachable). For ROUNDS users logged in on a real wiki, the time from the
// change's commit (PATCH {disabled: true}) to the wiki's 204 on the back channel, as the API
// records it (sso.notify DELIVERED, latencyMs), p50 and p95; against the wiki's bare cost of one
// back-channel request (an unsigned token, answered 400 without any work), in the same run.
const path = require('node:path');
const { median, percentile } = require('./stats.cjs');
const { startIdentityApi, startWiki, WikiClient } = require(path.join(__dirname, '..', 'test', 'support', 'index.cjs'));

const ROUNDS = Number(process.env.BENCH_LIFECYCLE_ROUNDS || 20);

async function run() {
  const api = await startIdentityApi({ env: { SSO_ISSUER: 'bench-life' } });
  let wiki;
  try {
    const wikiClient = await api.createClient('wiki', ['auth:verify', 'users:read', 'sso:redeem'], { forwardsEndUserAddress: true });
    const admin = (await api.createClient('admin', ['users:write', 'audit:read'])).secret;
    wiki = await startWiki({ settings: { AuthBridgeApiUrl: api.url, AuthBridgeApiSecret: wikiClient.secret, AuthBridgeWikiId: 'bench-life', AuthBridgeSsoIssuer: 'bench-life' } });
    await api.cli(['sso', 'wikis', 'add', '--id', 'bench-life', '--url', wiki.url, '--client', wikiClient.id]);
    const names = Array.from({ length: ROUNDS }, (_, i) => `Bench life ${i}`);
    for (const name of names) {
      await api.createUser({ username: name, password: 'Bench password 42' });
      const result = await new WikiClient(wiki.apiUrl).clientLogin(name, 'Bench password 42');
      if (result.status !== 'PASS') throw new Error(`clientlogin: ${JSON.stringify(result)}`);
    }
    const bare = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(`${wiki.url}/rest.php/authbridge/v1/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"logoutToken":"a.b.c"}' });
      await res.arrayBuffer();
      if (res.status !== 400) throw new Error(`bare back-channel request: HTTP ${res.status}`);
      bare.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    for (const name of names) {
      const res = await api.request('PATCH', `/v1/users/${encodeURIComponent(name)}`, { secret: admin, body: { disabled: true } });
      if (res.status !== 200) throw new Error(`PATCH: HTTP ${res.status}`);
      // One change at a time: the latency of one, not of a queue.
      const deadline = Date.now() + 10000;
      for (;;) {
        const audit = await api.request('GET', `/v1/audit?event=sso.notify&username=${encodeURIComponent(name)}`, { secret: admin });
        if (audit.body.items.some((e) => e.outcome === 'DELIVERED')) break;
        if (Date.now() > deadline) throw new Error(`${name}: not delivered in 10 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const audit = await api.request('GET', '/v1/audit?event=sso.notify&limit=200', { secret: admin });
    const latencies = audit.body.items.filter((e) => e.outcome === 'DELIVERED').map((e) => e.detail.latencyMs).sort((a, b) => a - b);
    if (latencies.length !== ROUNDS) throw new Error(`expected ${ROUNDS} deliveries, got ${latencies.length}`);
    const bareMedian = median(bare);
    return {
      rounds: ROUNDS,
      changeToWiki204P50Ms: percentile(latencies, 50),
      changeToWiki204P95Ms: percentile(latencies, 95),
      changeToWiki204MaxMs: latencies[latencies.length - 1],
      bareBackChannelRequestMedianMs: bareMedian,
      p50ToBareRatio: percentile(latencies, 50) / bareMedian,
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
