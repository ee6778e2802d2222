// `npm run bench -- source` (issue 8): verify and look-up through the WordPress user source
// (a real WordPress 6.1 on MariaDB, SELECT-only user) and through the HTTP user source (the
// example endpoint, examples/http-user-source, under php -S with 4 workers) against the same
// figures on AuthBridge's own store (SQLite), same run, same users, same argon2id hash for the verify.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { startApi, cli } = require('./api-process.cjs');
const { cannon } = require('./load.cjs');
const { percentile } = require('./stats.cjs');
const { spawn, execFileSync } = require('node:child_process');
const { createScratchWordPress } = require('../test/support/wordpress.cjs');
const { freePort, waitFor, captureOutput, stopChild, httpRequest } = require('../test/support/processes.cjs');

const EXAMPLE = join(__dirname, '..', 'examples', 'http-user-source');
const HTTP_SECRET = 'bench-http-source-secret-0123456789';

/**
 * The example endpoint on its own SQLite file (schema by its manage.php, rows written here in one
 * transaction: manage.php add would bcrypt 1000 passwords nobody uses). php -S with workers, as a
 * website runs several PHP processes; the group is stopped as one (see stopChild).
 */
async function startExampleEndpoint(file, users) {
  execFileSync('php', [join(EXAMPLE, 'manage.php'), 'init'], { env: { ...process.env, EXAMPLE_USERS_DB: file } });
  const db = new Database(file);
  const insert = db.prepare("insert into users (login, email, real_name, password_hash, groups, created_at) values (?, ?, ?, ?, 'subscriber', ?)");
  db.transaction(() => { for (const u of users) insert.run(u.login, u.email, u.realName, u.hash, Math.floor(Date.now() / 1000)); })();
  db.close();
  const port = await freePort();
  const child = spawn('php', ['-S', `127.0.0.1:${port}`, join(EXAMPLE, 'endpoint.php')], {
    env: { ...process.env, AUTHBRIDGE_SOURCE_SECRET: HTTP_SECRET, EXAMPLE_USERS_DB: file, PHP_CLI_SERVER_WORKERS: '4' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.killGroup = true;
  captureOutput(child);
  const url = `http://127.0.0.1:${port}/`;
  const ping = () => httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${HTTP_SECRET}`, 'content-type': 'application/json' }, body: '{"action":"ping"}' });
  await waitFor('php -S endpoint.php', async () => (await ping()).status === 200, { child });
  return { url, stop: () => stopChild(child) };
}

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
  // A FAIL is a 200 too: without this, a verify that never passes would be timed as if it did.
  const once = await (await fetch(`${api.url}/v1/auth/verify`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'benchverify', password: PASSWORD }) })).json();
  if (once.result !== 'PASS') throw new Error(`the verify user does not pass: ${JSON.stringify(once)}`);
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
  let endpoint;
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

    // The same users behind the example endpoint, the verify user with an argon2id hash of the
    // same cost made by PHP: PHP's password_verify refuses node argon2's own string, whose
    // parameters come in the order m, p, t (libargon2 reads only m, t, p). The others' hash is
    // never checked by a look-up.
    const cost = /\$m=(\d+),p=(\d+),t=(\d+)\$/.exec(argon2Hash);
    if (!cost) throw new Error(`unexpected argon2 parameters in ${argon2Hash.slice(0, 30)}`);
    const phpHash = execFileSync('php', ['-r', 'echo password_hash($argv[1], PASSWORD_ARGON2ID, ["memory_cost" => (int)$argv[2], "threads" => (int)$argv[3], "time_cost" => (int)$argv[4]]);', PASSWORD, cost[1], cost[2], cost[3]], { encoding: 'utf8' });
    const unused = '$2y$10$' + 'a'.repeat(53);
    endpoint = await startExampleEndpoint(join(dir, 'endpoint.sqlite'), [
      { login: 'benchverify', email: 'verify@example.org', realName: '', hash: phpHash },
      ...Array.from({ length: USERS }, (_, i) => ({ login: `bench${i}`, email: `b${i}@example.org`, realName: `Bench ${i}`, hash: unused })),
    ]);
    const httpEnv = { DATABASE_URL: `sqlite:${join(dir, 'http.sqlite')}`, USER_SOURCE: 'http', USER_SOURCE_URL: endpoint.url, USER_SOURCE_SECRET: HTTP_SECRET, ...NO_THROTTLE };
    const httpClient = cli(httpEnv, ['clients', 'create', '--name', 'bench', '--scopes', 'auth:verify,users:read']);

    const results = {};
    for (const [name, env, client] of [['local', localEnv, localClient], ['source', sourceEnv, sourceClient], ['http', httpEnv, httpClient]]) {
      const api = await startApi(env);
      try {
        results[name] = await measure(api, client.secret, seconds);
      } finally {
        await api.stop();
      }
    }
    const { local, source, http } = results;
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
      'look-up p50, 1 connection (HTTP source) ms': http.lookupP50Ms,
      'look-up p99, 1 connection (HTTP source) ms': http.lookupP99Ms,
      'look-up p50 added by the HTTP source ms': http.lookupP50Ms - local.lookupP50Ms,
      'look-ups/s, 32 connections (HTTP source)': http.lookupPerSecond,
      'look-ups/s ratio HTTP source / own store': http.lookupPerSecond / local.lookupPerSecond,
      'verify PASS/s, 4 connections (HTTP source)': http.verifyPerSecond,
      'verify p50 / p99 (HTTP source) ms': `${http.verifyP50Ms} / ${http.verifyP99Ms}`,
      'verify/s ratio HTTP source / own store': http.verifyPerSecond / local.verifyPerSecond,
    };
  } finally {
    await endpoint?.stop();
    await wp.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
