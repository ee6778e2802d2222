'use strict';
// `npm run bench` (wiki): median wall time of a whole wiki login (login token fetch +
// action=clientlogin) through AuthBridge vs a local wiki account, same wiki, same run,
// interleaved so both see the same machine load. Then how long a login takes to fail when the
// API is down or slower than $wgAuthBridgeTimeout, against that timeout (the full-stack login
// spec asserts only what the user is told). Prints nothing; returns the numbers.
const { startIdentityApi } = require('../test/support/identity-api.cjs');
const { startDelayProxy } = require('../test/support/delay-proxy.cjs');
const { startWiki } = require('../test/support/wiki.cjs');
const { WikiClient } = require('../test/support/wiki-client.cjs');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function timedLogin(wiki, username, password, expected = { status: 'PASS' }) {
  const client = new WikiClient(wiki.apiUrl);
  const start = process.hrtime.bigint();
  const result = await client.clientLogin(username, password);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== expected.status || (expected.messagecode && result.messagecode !== expected.messagecode)) {
    throw new Error(`bench login of ${username}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(result)}`);
  }
  return ms;
}

const TIMEOUT_SECONDS = 2;

/**
 * A login while the identity API is stopped, and while it answers later than the wiki's timeout
 * (a proxy holds each connection), each as the median of `rounds`; the ratio of the slow case to
 * the timeout is the figure to watch (the wiki should give up at the timeout: about 1.0-1.2).
 */
async function benchUnavailable({ rounds = Number(process.env.BENCH_WIKI_OUTAGE_ROUNDS) || 3 } = {}) {
  const api = await startIdentityApi();
  const proxy = await startDelayProxy({ targetPort: api.port });
  let wiki;
  try {
    const { secret } = await api.createClient('wiki', ['auth:verify', 'users:read'], { forwardsEndUserAddress: true });
    const user = { username: 'Bench outage user', password: 'Bench outage pw 42' };
    await api.createUser(user);
    wiki = await startWiki({ settings: { AuthBridgeApiUrl: proxy.url, AuthBridgeApiSecret: secret, AuthBridgeTimeout: TIMEOUT_SECONDS }, workers: 1 });
    await timedLogin(wiki, user.username, user.password);
    const unavailable = { status: 'FAIL', messagecode: 'authbridge-error-unavailable' };
    const slow = [];
    proxy.setDelay((TIMEOUT_SECONDS + 3) * 1000);
    try {
      for (let i = 0; i < rounds; i++) slow.push(await timedLogin(wiki, user.username, user.password, unavailable));
    } finally {
      proxy.setDelay(0);
    }
    const stopped = [];
    await api.stop();
    try {
      for (let i = 0; i < rounds; i++) stopped.push(await timedLogin(wiki, user.username, user.password, unavailable));
    } finally {
      await api.start();
    }
    return {
      unavailableTimeoutMs: TIMEOUT_SECONDS * 1000,
      unavailableSlowApiLoginMedianMs: median(slow),
      unavailableSlowApiToTimeoutRatio: median(slow) / (TIMEOUT_SECONDS * 1000),
      unavailableStoppedApiLoginMedianMs: median(stopped),
      unavailableStoppedApiToTimeoutRatio: median(stopped) / (TIMEOUT_SECONDS * 1000),
    };
  } finally {
    await wiki?.dispose();
    await proxy.stop();
    await api.dispose();
  }
}

/**
 * @param {object} [options]
 * @param {number} [options.iterations] logins of each kind (default 30, or BENCH_WIKI_ITERATIONS)
 * @param {number} [options.warmup] untimed logins of each kind first (default 3)
 */
async function benchLoginRatio({ iterations = Number(process.env.BENCH_WIKI_ITERATIONS) || 30, warmup = 3 } = {}) {
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

async function benchWikiLogin(options) {
  return { ...(await benchLoginRatio(options)), ...(await benchUnavailable()) };
}

module.exports = { benchWikiLogin, benchUnavailable, run: benchWikiLogin };
