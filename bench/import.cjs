// Benchmarks of `users import` (issue 5): 1,000,000 generated users into SQLite and into a fresh
// PostgreSQL database (rows per second and peak RSS of the importing CLI process; goal under
// 60 s and under 300 MB on the 2-core machine), then GET /v1/users/{name} with 1,000,000 users.
const { spawn } = require('node:child_process');
const { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } = require('node:fs');
const { once } = require('node:events');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes } = require('node:crypto');
const bcrypt = require('bcrypt');
const { Client } = require('pg');
const { startApi, cli } = require('./api-process.cjs');
const { cannon, userLookups } = require('./load.cjs');

const root = join(__dirname, '..');
const USERS = Number(process.env.BENCH_IMPORT_USERS || 1_000_000);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** One hash per family, computed once and reused: the import recognises hashes, it does not verify them. */
function precomputedHashes() {
  return [
    bcrypt.hashSync('correct horse battery staple', 10).replace(/^\$2b\$/, '$2y$'),
    '$P$BtCIP7vUJqkGDUpeVfplZm0qbg0HAp.',
    ':pbkdf2:sha512:30000:64:wHaEpB3JmJlOW4oOJIF0ew==:OzThuKh2XRa6bvMLrhhC5MZeBFuQKLpBSPVHbYPblCNZDhnL/EX35RH4Zd63NfuWO3uN/kMVvdpUuB9PiEUdHA==',
    ':B:eab71d5d:5b1abd7a33161010bc8bd3c4203ef82d',
  ];
}

async function writeUsersCsv(file, count) {
  const hashes = precomputedHashes();
  const out = createWriteStream(file);
  out.write('username,email,realName,groups,passwordHash,disabled,emailVerified\n');
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `Bench user ${i},user${i}@example.org,Bench User ${i},${i % 3 ? 'staff|imported' : 'imported'},${hashes[i % hashes.length]},${i % 50 === 0},true\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Runs the built CLI's import; peak RSS is the kernel's high-water mark of that process. */
async function timedImport(file, databaseUrl) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), 'users', 'import', file, '--json'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  let peakKiB = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
    } catch {
      // exited between two polls
    }
  }, 50);
  const [code] = await once(child, 'exit');
  clearInterval(poll);
  if (code !== 0) throw new Error(`users import exited with ${code}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = JSON.parse(stdout);
  if (summary.created !== USERS) throw new Error(`expected ${USERS} created users, got ${JSON.stringify(summary)}`);
  return { seconds, rowsPerSecond: USERS / seconds, peakRssMiB: peakKiB / 1024 };
}

async function lookups(env, seconds) {
  const client = cli(env, ['clients', 'create', '--name', `bench-${randomBytes(4).toString('hex')}`, '--scopes', 'users:read']);
  const api = await startApi(env);
  try {
    const result = await userLookups(api.url, client.secret, { users: USERS, seconds });
    return { perSecond: result.requests.average, p99Ms: result.latency.p99 };
  } finally {
    await api.stop();
  }
}

async function admin(statement) {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function run({ seconds = 8 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'authbridge-bench-import-'));
  const pgName = `authbridge_bench_${randomBytes(4).toString('hex')}`;
  const results = { users: USERS };
  try {
    const file = join(dir, 'users.csv');
    await writeUsersCsv(file, USERS);
    results.fileMiB = statSync(file).size / (1 << 20);

    const sqliteEnv = { DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}` };
    const sqlite = await timedImport(file, sqliteEnv.DATABASE_URL);
    results.sqliteImportSeconds = sqlite.seconds;
    results.sqliteImportRowsPerSecond = sqlite.rowsPerSecond;
    results.sqliteImportPeakRssMiB = sqlite.peakRssMiB;
    const sqliteLookups = await lookups(sqliteEnv, seconds);
    results.sqliteUserLookupPerSecond = sqliteLookups.perSecond;
    results.sqliteUserLookupP99Ms = sqliteLookups.p99Ms;

    await admin(`create database ${pgName}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${pgName}`;
    const pgEnv = { DATABASE_URL: url.toString() };
    const pg = await timedImport(file, pgEnv.DATABASE_URL);
    results.postgresImportSeconds = pg.seconds;
    results.postgresImportRowsPerSecond = pg.rowsPerSecond;
    results.postgresImportPeakRssMiB = pg.peakRssMiB;
    const pgLookups = await lookups(pgEnv, seconds);
    results.postgresUserLookupPerSecond = pgLookups.perSecond;
    results.postgresUserLookupP99Ms = pgLookups.p99Ms;
  } finally {
    await admin(`drop database if exists ${pgName} with (force)`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

module.exports = { run };
