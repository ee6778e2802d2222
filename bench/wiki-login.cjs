'use strict';
// `npm run bench` (wiki): median wall time of a whole wiki login (login token fetch +
// action=clientlogin) through AuthBridge vs a local wiki account, same wiki, same run,
// interleaved so both see the same machine load. Prints nothing; returns the numbers.
const { startIdentityApi } = require('../test/support/identity-api.cjs');
const { startWiki } = require('../test/support/wiki.cjs');
const { WikiClient } = require('../test/support/wiki-client.cjs');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function timedLogin(wiki, username, password) {
  const client = new WikiClient(wiki.apiUrl);
  const start = process.hrtime.bigint();
  const result = await client.clientLogin(username, password);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 'PASS') throw new Error(`bench login of ${username} failed: ${JSON.stringify(result)}`);
  return ms;
}

/**
 * @param {object} [options]
 * @param {number} [options.iterations] logins of each kind (default 30, or BENCH_WIKI_ITERATIONS)
 * @param {number} [options.warmup] untimed logins of each kind first (default 3)
 */
async function benchWikiLogin({ iterations = Number(process.env.BENCH_WIKI_ITERATIONS) || 30, warmup = 3 } = {}) {
  const api = await startIdentityApi();
  let wiki;
  try {
    const { secret } = await api.createClient('wiki', ['auth:verify', 'users:read'], { forwardsEndUserAddress: true });
    const remote = { username: 'Bench website user', password: 'Bench website pw 42' };
    await api.createUser({ ...remote, email: 'bench@example.org', emailVerified: true, groups: ['editors'] });
    wiki = await startWiki({
      settings: {
        AuthBridgeApiUrl: api.url,
        AuthBridgeApiSecret: secret,
        AuthBridgeGroupMap: { editors: 'editor' },
      },
      workers: 1,
    });
    const local = { username: 'Bench local user', password: 'Bench local pw 42' };
    await wiki.maintenance('createAndPromote.php', [local.username, local.password]);

    // The first AuthBridge login creates the wiki account; not what is measured.
    for (let i = 0; i < warmup; i++) {
      await timedLogin(wiki, remote.username, remote.password);
      await timedLogin(wiki, local.username, local.password);
    }
    const bridge = [];
    const localMs = [];
    for (let i = 0; i < iterations; i++) {
      const order = i % 2 ? [[bridge, remote], [localMs, local]] : [[localMs, local], [bridge, remote]];
      for (const [into, who] of order) into.push(await timedLogin(wiki, who.username, who.password));
    }
    const authBridgeMedianMs = median(bridge);
    const localMedianMs = median(localMs);
    return {
      iterations,
      authBridgeLoginMedianMs: authBridgeMedianMs,
      localLoginMedianMs: localMedianMs,
      authBridgeToLocalRatio: authBridgeMedianMs / localMedianMs,
    };
  } finally {
    await wiki?.dispose();
    await api.dispose();
  }
}

module.exports = { benchWikiLogin, run: benchWikiLogin };
