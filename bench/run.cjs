// `npm run bench`: every figure with its baseline, measured in the same run on this machine.
const os = require('node:os');
const identityApi = require('./identity-api.cjs');

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

async function main() {
  const only = process.argv.slice(2);
  const want = (name) => only.length === 0 || only.includes(name);
  const report = {};

  if (want('api') || want('api-sqlite') || want('api-postgres')) {
    const stores = [];
    if (!want('api-postgres') || want('api') || want('api-sqlite')) stores.push('sqlite');
    if (!process.env.BENCH_NO_POSTGRES && (want('api') || want('api-postgres'))) stores.push('postgres');
    const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    for (const store of stores) {
      const r = await identityApi.run({ store, postgresUrl });
      report[store === 'sqlite' ? 'api' : 'apiPostgres'] = r;
      const mark = (ok) => (ok ? 'met' : 'MISSED');
      console.log(`\n== identity API (${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, argon2id m=19456 KiB, t=2, p=1), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      console.log(`argon2id verify, raw, in-process:        ${fmt(r.argon2VerifyPerSecond)} /s`);
      console.log(`POST /v1/auth/verify PASS over HTTP:      ${fmt(r.verifyPassPerSecond)} /s`);
      console.log(`  ratio HTTP / raw (goal >= 0.95):        ${fmt(r.verifyToArgon2Ratio, 3)}  ${mark(r.verifyToArgon2Ratio >= 0.95)}`);
      console.log(`GET /v1/users/{name}, 100,000 users:      ${fmt(r.userLookupPerSecond)} /s, p99 ${fmt(r.userLookupP99Ms)} ms`);
      console.log(`  bare node:http, same store:             ${fmt(r.bareLookupPerSecond)} /s, p99 ${fmt(r.bareLookupP99Ms)} ms`);
      console.log(`  ratio API / bare (goal >= 0.5):         ${fmt(r.lookupToBareRatio, 3)}  ${mark(r.lookupToBareRatio >= 0.5)}; p99 (goal <= 5 ms) ${mark(r.userLookupP99Ms <= 5)}`);
      console.log(`RSS idle (goal <= 100 MiB):               ${fmt(r.idleRssMiB)} MiB  ${mark(r.idleRssMiB <= 100)}  (bare server: ${fmt(r.bareIdleRssMiB)} MiB)`);
      console.log(`RSS peak under verify (goal <= 170 MiB):  ${fmt(r.peakRssVerifyMiB)} MiB  ${mark(r.peakRssVerifyMiB <= 170)}; after look-ups ${fmt(r.peakRssMiB)} MiB`);
      console.log(`verify median, unknown user:              ${fmt(r.verifyUnknownUserMedianMs, 2)} ms`);
      console.log(`verify median, wrong password:            ${fmt(r.verifyWrongPasswordMedianMs, 2)} ms`);
      console.log(`  ratio unknown / wrong (goal 0.95-1.05): ${fmt(r.unknownToWrongRatio, 3)}`);
    }
  }

  for (const [name, file] of [['wiki', './wiki-login.cjs'], ['import', './import.cjs'], ['store', './store.cjs'], ['sso', './sso.cjs'], ['source', './source.cjs'], ['lifecycle', './lifecycle.cjs']]) {
    if (!want(name)) continue;
    let mod;
    try {
      mod = require(file);
    } catch (error) {
      if (error.code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    report[name] = await (mod.run ?? mod.benchWikiLogin)();
    console.log(`\n== ${name}`);
    for (const [key, value] of Object.entries(report[name])) console.log(`${key.padEnd(40)} ${typeof value === 'number' ? fmt(value, 3) : value}`);
  }

  if (process.env.BENCH_JSON) require('node:fs').writeFileSync(process.env.BENCH_JSON, JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
