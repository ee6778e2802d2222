// Benchmarks of the identity API alone (issues 2 and 11), on SQLite and on PostgreSQL: argon2id
// vs verify over HTTP, user look-up with 100,000 users vs a bare node:http server on the same
// store, resident memory idle and under verify load, and unknown users against wrong passwords.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir, cpus } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const argon2 = require('argon2');
const Database = require('better-sqlite3');
const { startApi, startBare, cli, memoryMiB } = require('./api-process.cjs');
const { cannon, userLookups } = require('./load.cjs');
const { median, throughput } = require('./stats.cjs');

const OWASP = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const PASSWORD = 'correct horse battery staple';

function seedUsers(file, count) {
  const db = new Database(file);
  const insert = db.prepare(
    'insert into users (id, username, real_name, email, email_verified, groups_json, disabled, password_hash, created_at, updated_at) values (?, ?, ?, ?, 1, ?, 0, null, ?, ?)',
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(randomUUID(), `Bench user ${i}`, `Bench User ${i}`, `u${i}@example.org`, '["staff"]', now, now);
  })();
  db.close();
}

async function seedPostgresUsers(url, count) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into users (id, username, real_name, email, email_verified, groups_json, disabled, password_hash, created_at, updated_at)
       select gen_random_uuid()::text, 'Bench user ' || i, 'Bench User ' || i, 'u' || i || '@example.org', 1, '["staff"]', 0, null, $1, $1
       from generate_series(0, $2::int - 1) as i`,
      [new Date().toISOString(), count],
    );
    await client.query('analyze users');
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database of the bench's own (dropped after), beside `url`'s. */
async function freshPostgresDatabase(url, name) {
  const { Client } = require('pg');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const again = new Client({ connectionString: url });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const ROUNDS = 4;

async function run({ seconds = 8, store = 'sqlite', postgresUrl } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'authbridge-bench-'));
  const pg = store === 'postgres' ? await freshPostgresDatabase(postgresUrl, 'wip_perf_bench') : undefined;
  const databaseUrl = pg ? pg.url : `sqlite:${join(dir, 'bench.sqlite')}`;
  const env = { DATABASE_URL: databaseUrl, THROTTLE_MAX_FAILURES: '100000', THROTTLE_ACCOUNT_MAX_FAILURES: '100000' };
  const results = {};
  try {
    const client = cli(env, ['clients', 'create', '--name', 'bench', '--scopes', 'auth:verify,users:read']);
    cli(env, ['users', 'create', '--username', 'Bench verify', '--password', PASSWORD]);
    if (pg) await seedPostgresUsers(databaseUrl, 100000);
    else seedUsers(join(dir, 'bench.sqlite'), 100000);

    // Raw argon2id: as many verifications in flight as libuv has threads, in this process.
    const hash = await argon2.hash(PASSWORD, OWASP);
    const concurrency = Math.max(4, cpus().length * 2);
    const rawArgon2 = () => throughput(() => argon2.verify(hash, PASSWORD), { concurrency, seconds: seconds / ROUNDS });

    const api = await startApi(env);
    const bare = await startBare(databaseUrl);
    try {
      // Idle: started, ready, nothing asked yet but the readiness probe.
      await sleep(3000);
      results.idleRssMiB = memoryMiB(api.pid).rss;
      const headers = { authorization: `Bearer ${client.secret}`, 'content-type': 'application/json' };
      results.bareIdleRssMiB = memoryMiB(bare.pid).rss;
      // Figure and baseline in alternating slices: the machine is shared, and a neighbour's load
      // that lands on one slice lands on the other kind's next one too, so the ratio holds.
      const raw = [];
      const http = [];
      for (let round = 0; round < ROUNDS; round++) {
        raw.push(await rawArgon2());
        const verify = await cannon({
          url: `${api.url}/v1/auth/verify`,
          method: 'POST',
          headers,
          body: JSON.stringify({ username: 'Bench verify', password: PASSWORD }),
          connections: concurrency,
          duration: seconds / ROUNDS,
        });
        if (verify.non2xx) throw new Error(`verify answered ${verify.non2xx} non-2xx`);
        http.push(verify.requests.average);
      }
      results.argon2VerifyPerSecond = mean(raw);
      results.verifyPassPerSecond = mean(http);
      results.verifyToArgon2Ratio = results.verifyPassPerSecond / results.argon2VerifyPerSecond;
      results.peakRssVerifyMiB = memoryMiB(api.pid).peak;

      // Warm-up of both, then alternating slices; p99 is the worst slice's.
      await userLookups(api.url, client.secret, { users: 100000, seconds: 1 });
      await userLookups(bare.url, client.secret, { users: 100000, seconds: 1 });
      const apiSlices = [];
      const bareSlices = [];
      for (let round = 0; round < ROUNDS; round++) {
        apiSlices.push(await userLookups(api.url, client.secret, { users: 100000, seconds: seconds / ROUNDS }));
        bareSlices.push(await userLookups(bare.url, client.secret, { users: 100000, seconds: seconds / ROUNDS }));
      }
      results.userLookupPerSecond = mean(apiSlices.map((r) => r.requests.average));
      results.userLookupP99Ms = Math.max(...apiSlices.map((r) => r.latency.p99));
      results.bareLookupPerSecond = mean(bareSlices.map((r) => r.requests.average));
      results.bareLookupP99Ms = Math.max(...bareSlices.map((r) => r.latency.p99));
      results.lookupToBareRatio = results.userLookupPerSecond / results.bareLookupPerSecond;
      results.peakRssMiB = memoryMiB(api.pid).peak;

      // Interleaved, one at a time, so both kinds meet the same machine state.
      const unknown = [];
      const wrong = [];
      for (let i = 0; i < 60; i++) {
        for (const [list, username] of [[unknown, `Nobody ${i}`], [wrong, 'Bench verify']]) {
          const started = process.hrtime.bigint();
          const res = await fetch(`${api.url}/v1/auth/verify`, { method: 'POST', headers, body: JSON.stringify({ username, password: `wrong ${i}` }) });
          await res.json();
          list.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }
      results.verifyUnknownUserMedianMs = median(unknown);
      results.verifyWrongPasswordMedianMs = median(wrong);
      results.unknownToWrongRatio = results.verifyUnknownUserMedianMs / results.verifyWrongPasswordMedianMs;
    } finally {
      await api.stop();
      await bare.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
  }
  return results;
}

module.exports = { run };
