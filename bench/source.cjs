// `npm run bench -- source` (issue 8): verify and look-up through the WordPress user source
// (a real WordPress 6.1 on MariaDB, SELECT-only user) against the same figures on AuthBridge's
// own store (SQLite), same run, same users, same argon2id hash for the verify.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { startApi, cli } = require('./api-process.cjs');
const { cannon } = require('./load.cjs');
const { percentile } = require('./stats.cjs');
const { createScratchWordPress } = require('../test/support/wordpress.cjs');

const USERS = 1000;
const PASSWORD = 'correct horse battery staple';
const NO_THROTTLE = { THROTTLE_MAX_FAILURES: '1000000', THROTTLE_ACCOUNT_MAX_FAILURES: '1000000', THROTTLE_ADDRESS_MAX_FAILURES: '1000000' };

async function measure(api, secret, seconds) {
  const headers = { authorization: `Bearer ${secret}` };
  const lookup = (connections) => cannon({
    url: api.url, connections, duration: seconds,
    requests: [{ method: 'GET', headers, setupRequest: (req) => ({ ...req, path: `/v1/users/Bench${Math.floor(Math.random() * USERS)}` }) }],
  });
  // Every name once first: a source account gets its wiki name at first sight (one INSERT), then never again.
  for (let i = 0; i < USERS; i++) {
    const res = await fetch(`${api.url}/v1/users/Bench${i}`, { headers });
    if (res.status !== 200) throw new Error(`look-up of Bench${i} answered ${res.status}`);
  }
  // One request at a time, timed here with sub-millisecond resolution (autocannon rounds to 1 ms).
  const times = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const started = process.hrtime.bigint();
    const res = await fetch(`${api.url}/v1/users/Bench${Math.floor(Math.random() * USERS)}`, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`look-up answered ${res.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const single = { latency: { p50: percentile(times, 50), p99: percentile(times, 99) } };
  const loaded = await lookup(32);
  const verify = await cannon({
    url: `${api.url}/v1/auth/verify`, method: 'POST', connections: 4, duration: seconds,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'benchverify', password: PASSWORD }),
  });
  for (const [what, r] of [['look-up', loaded], ['verify', verify]]) if (r.non2xx || r.errors) throw new Error(`${what} answered ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    lookupP50Ms: single.latency.p50, lookupP99Ms: single.latency.p99,
    lookupPerSecond: loaded.requests.average, lookupLoadedP99Ms: loaded.latency.p99,
    verifyPerSecond: verify.requests.average, verifyP50Ms: verify.latency.p50, verifyP99Ms: verify.latency.p99,
  };
}

async function run({ seconds = 6 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'authbridge-bench-source-'));
  const wp = await createScratchWordPress({ where: 'host' });
  try {
    const ops = [{ op: 'insert', user: { user_login: 'benchverify', user_pass: PASSWORD, user_email: 'verify@example.org', role: 'editor' } }];
    for (let i = 0; i < USERS; i++) ops.push({ op: 'insert', user: { user_login: `bench${i}`, user_pass: `pass ${i}`, user_email: `b${i}@example.org`, first_name: 'Bench', last_name: String(i), role: 'subscriber' } });
    await wp.ops(...ops);

    // AuthBridge's own store with the same users; the verify user's argon2id hash goes into
    // WordPress too (6.8 accepts it), so both verifies cost the same hash.
    const localEnv = { DATABASE_URL: `sqlite:${join(dir, 'local.sqlite')}`, ...NO_THROTTLE };
    const localClient = cli(localEnv, ['clients', 'create', '--name', 'bench', '--scopes', 'auth:verify,users:read']);
    cli(localEnv, ['users', 'create', '--username', 'benchverify', '--password', PASSWORD]);
    const db = new Database(join(dir, 'local.sqlite'));
    const now = new Date().toISOString();
    const insert = db.prepare("insert into users (id, username, real_name, email, email_verified, groups_json, disabled, password_hash, created_at, updated_at) values (?, ?, ?, ?, 0, '[\"subscriber\"]', 0, null, ?, ?)");
    db.transaction(() => { for (let i = 0; i < USERS; i++) insert.run(randomUUID(), `Bench${i}`, `Bench ${i}`, `b${i}@example.org`, now, now); })();
    const argon2Hash = db.prepare("select password_hash from users where username = 'Benchverify'").get().password_hash;
    db.close();
    await wp.sql('UPDATE wp_users SET user_pass = ? WHERE user_login = ?', [argon2Hash, 'benchverify']);

    const sourceEnv = { DATABASE_URL: `sqlite:${join(dir, 'source.sqlite')}`, USER_SOURCE: 'sql', USER_SOURCE_PRESET: 'wordpress', USER_SOURCE_URL: wp.sourceUrl, ...NO_THROTTLE };
    const sourceClient = cli(sourceEnv, ['clients', 'create', '--name', 'bench', '--scopes', 'auth:verify,users:read']);

    const results = {};
    for (const [name, env, client] of [['local', localEnv, localClient], ['source', sourceEnv, sourceClient]]) {
      const api = await startApi(env);
      try {
        results[name] = await measure(api, client.secret, seconds);
      } finally {
        await api.stop();
      }
    }
    const { local, source } = results;
    return {
      'look-up p50, 1 connection (own store) ms': local.lookupP50Ms,
      'look-up p50, 1 connection (WordPress) ms': source.lookupP50Ms,
      'look-up p99, 1 connection (own store) ms': local.lookupP99Ms,
      'look-up p99, 1 connection (WordPress) ms': source.lookupP99Ms,
      'look-up p50 added by the source ms (goal < 2)': source.lookupP50Ms - local.lookupP50Ms,
      'look-up p99 added by the source ms': source.lookupP99Ms - local.lookupP99Ms,
      'look-ups/s, 32 connections (own store)': local.lookupPerSecond,
      'look-ups/s, 32 connections (WordPress)': source.lookupPerSecond,
      'look-ups/s ratio WordPress / own store': source.lookupPerSecond / local.lookupPerSecond,
      'verify PASS/s, 4 connections (own store)': local.verifyPerSecond,
      'verify PASS/s, 4 connections (WordPress)': source.verifyPerSecond,
      'verify p50 (own store / WordPress) ms': `${local.verifyP50Ms} / ${source.verifyP50Ms}`,
      'verify p99 (own store / WordPress) ms': `${local.verifyP99Ms} / ${source.verifyP99Ms}`,
      'verify/s ratio WordPress / own store': source.verifyPerSecond / local.verifyPerSecond,
    };
  } finally {
    await wp.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
