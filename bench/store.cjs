// The PostgreSQL store (issue 5): GET /v1/users/{name} throughput and p99 with 100,000 users,
// and the cost of brute-force bookkeeping on a verify (THROTTLED answers, which hash nothing).
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { Client } = require('pg');
const { startApi, cli } = require('./api-process.cjs');
const { cannon, userLookups } = require('./load.cjs');

const USERS = 100000;
const BASE = process.env.BENCH_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test';

async function sqlOn(url, statement, values) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(statement, values);
  } finally {
    await client.end();
  }
}

/** Rows straight into the table the API created, 10,000 per statement (not timed as a figure). */
async function seedUsers(url, count) {
  const now = new Date().toISOString();
  for (let start = 0; start < count; start += 10000) {
    const n = Math.min(10000, count - start);
    const ids = Array.from({ length: n }, () => randomUUID());
    const names = Array.from({ length: n }, (_, i) => `Bench user ${start + i}`);
    const emails = names.map((_, i) => `u${start + i}@example.org`);
    await sqlOn(
      url,
      `insert into users (id, username, real_name, email, email_verified, groups_json, disabled, password_hash, created_at, updated_at)
       select id, name, name, email, 1, '["staff"]', 0, null, $4, $4 from unnest($1::text[], $2::text[], $3::text[]) as t(id, name, email)`,
      [ids, names, emails, now],
    );
  }
  await sqlOn(url, 'analyze users');
}

function seedSqlite(file, count) {
  const db = new Database(file);
  const insert = db.prepare(
    `insert into users (id, username, real_name, email, email_verified, groups_json, disabled, password_hash, created_at, updated_at) values (?, ?, ?, ?, 1, '["staff"]', 0, null, ?, ?)`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(randomUUID(), `Bench user ${i}`, `Bench user ${i}`, `u${i}@example.org`, now, now);
  })();
  db.close();
}

/** GET /v1/users/{name} at random names, 32 connections. */

/** The same look-ups on SQLite in the same run, as the baseline the PostgreSQL figures compare with. */
async function sqliteBaseline(seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'authbridge-bench-store-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}` };
  try {
    const client = cli(env, ['clients', 'create', '--name', 'bench', '--scopes', 'users:read']);
    seedSqlite(join(dir, 'bench.sqlite'), USERS);
    const api = await startApi(env);
    try {
      return await userLookups(api.url, client.secret, { users: USERS, seconds });
    } finally {
      await api.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run({ seconds = 8 } = {}) {
  const name = `authbridge_bench_${randomBytes(4).toString('hex')}`;
  await sqlOn(BASE, `create database ${name}`);
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '10' };
  const results = { postgresUsers: USERS };
  try {
    const api = await startApi(env);
    try {
      const client = cli(env, ['clients', 'create', '--name', 'bench', '--scopes', 'auth:verify,users:read']);
      const started = process.hrtime.bigint();
      await seedUsers(env.DATABASE_URL, USERS);
      results.postgresSeedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const headers = { authorization: `Bearer ${client.secret}`, 'content-type': 'application/json' };
      const lookup = await userLookups(api.url, client.secret, { users: USERS, seconds });
      results.postgresUserLookupPerSecond = lookup.requests.average;
      results.postgresUserLookupP50Ms = lookup.latency.p50;
      results.postgresUserLookupP99Ms = lookup.latency.p99;

      // One locked address hammering one name: each answer is a refused reservation plus an audit row.
      const body = JSON.stringify({ username: 'Bench user 1', password: 'wrong guess' });
      for (let i = 0; i < 5; i++) await fetch(`${api.url}/v1/auth/verify`, { method: 'POST', headers, body });
      const throttled = await cannon({ url: `${api.url}/v1/auth/verify`, method: 'POST', headers, body, connections: 32, duration: Math.max(3, seconds / 2) });
      results.postgresThrottledVerifyPerSecond = throttled.requests.average;
      results.postgresThrottledVerifyP99Ms = throttled.latency.p99;
    } finally {
      await api.stop();
    }
  } finally {
    await sqlOn(BASE, `drop database if exists ${name} with (force)`).catch(() => undefined);
  }
  const sqlite = await sqliteBaseline(seconds);
  results.sqliteUserLookupPerSecond = sqlite.requests.average;
  results.sqliteUserLookupP99Ms = sqlite.latency.p99;
  results.postgresToSqliteLookupRatio = results.postgresUserLookupPerSecond / results.sqliteUserLookupPerSecond;
  return results;
}

module.exports = { run };
