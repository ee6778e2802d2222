// `npm test`: every suite, in order, and a loud failure when one fails, is skipped, or runs
// no test at all (a suite that silently skips would hide a broken MediaWiki or browser set-up).
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'authbridge-test-'));
const jest = [process.execPath, '--experimental-vm-modules', join(root, 'node_modules/jest/bin/jest.js'), '--ci'];
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, argv, env = {}) {
  process.stdout.write(`\n=== ${label}\n`);
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function jestSuite(label, args, env) {
  const file = join(out, `${label.replace(/\W+/g, '-')}.json`);
  const ok = run(label, [...jest, ...args, '--json', `--outputFile=${file}`], env);
  if (!existsSync(file)) return record(label, ok, 0, 0, 0);
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return record(label, ok && r.success, r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites, r.numPendingTests + r.numTodoTests);
}

/** PHPUnit on the host (MediaWiki 1.39, PHPUnit 9.6) or in the Debian 13 chroot (1.43, PHPUnit 11.5). */
function phpunitSuite(label, prefix = []) {
  // In the chroot only /tmp and the checkout are shared with the host.
  const file = join(prefix.length ? mkdtempSync('/tmp/authbridge-phpunit-') : out, `${label.replace(/\W+/g, '-')}.xml`);
  const ok = run(label, [...prefix, 'phpunit', '-c', join(root, 'mediawiki-extension-contract/extension/phpunit.xml'), '--log-junit', file]);
  if (!existsSync(file)) return record(label, false, 0, 0, 0);
  // PHPUnit writes the attributes in different orders; read each of the outer <testsuite> on its own.
  const suite = /<testsuite\b[^>]*>/.exec(readFileSync(file, 'utf8'))?.[0] ?? '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const [tests, failed, errors, skipped] = ['tests', 'failures', 'errors', 'skipped'].map(count);
  return record(label, ok, tests - failed - errors - skipped, failed + errors, skipped);
}

/** A script that ends with the plain "N passed, N failed" line. */
function plainSuite(label, argv) {
  process.stdout.write(`\n=== ${label}\n`);
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: 'utf8', env: process.env });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  const counts = /^(\d+) passed, (\d+) failed$/m.exec(result.stdout ?? '');
  return record(label, result.status === 0, Number(counts?.[1] ?? 0), Number(counts?.[2] ?? 0), 0);
}

function record(label, ok, passed, failed, skipped) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  if (!ok || failed > 0) failures.push(`${label}: failed`);
  else if (passed === 0) failures.push(`${label}: ran no test`);
  else if (skipped > 0) failures.push(`${label}: ${skipped} test(s) skipped`);
  process.stdout.write(`--- ${label}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
}

// MediaWiki, PHP, Chromium, PostgreSQL and Redis come from Debian: install or start what is missing.
if (!run('system packages and services', ['bash', join(root, 'scripts/system-deps.sh')])) failures.push('system packages: could not be installed');
if (!run('typecheck', [process.execPath, join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'])) failures.push('typecheck: failed');
if (!run('build', [process.execPath, join(root, 'scripts/ensure-built.cjs')])) failures.push('build: failed');
// The extension's house habits: php -l on every PHP file and phpcs with the project ruleset.
plainSuite('php -l and phpcs (extension style)', [process.execPath, join(root, 'scripts/php-lint.cjs')]);
jestSuite('unit', ['--selectProjects', 'unit']);
jestSuite('e2e (SQLite)', ['--selectProjects', 'e2e'], { TEST_DATABASE_URL: 'sqlite::memory:' });
// The same suites on PostgreSQL, then two API processes sharing one database. Both fail, never
// skip, when PostgreSQL does not answer.
const postgres = process.env.TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test';
jestSuite('e2e (PostgreSQL)', ['--selectProjects', 'e2e'], { TEST_DATABASE_URL: postgres });
jestSuite('two API instances (PostgreSQL)', ['--selectProjects', 'multi-instance', '--runInBand'], { TEST_DATABASE_URL: postgres });
// The extension on both MediaWikis it is tested on: 1.39 on this host, 1.43 LTS in a Debian 13
// chroot (scripts/trixie-chroot.sh creates it on a fresh machine, then only mounts this checkout).
const chroot = run('Debian 13 chroot (MediaWiki 1.43)', ['bash', join(root, 'scripts/trixie-chroot.sh')]);
if (!chroot) failures.push('Debian 13 chroot: could not be created or mounted');
const chrootDir = process.env.AUTHBRIDGE_TRIXIE_CHROOT || '/var/cache/authbridge/trixie';
const asRoot = process.getuid && process.getuid() !== 0 ? ['sudo', '-n'] : [];
phpunitSuite('phpunit (MediaWiki 1.39)');
if (chroot) phpunitSuite('phpunit (MediaWiki 1.43)', [...asRoot, 'chroot', chrootDir]);
else record('phpunit (MediaWiki 1.43)', false, 0, 0, 0);
for (const mediawiki of ['1.39', '1.43']) {
  if (mediawiki === '1.43' && !chroot) {
    record(`full stack (MediaWiki ${mediawiki}, WordPress 6.1 and 6.8, Chromium)`, false, 0, 0, 0);
    continue;
  }
  // Screenshots and other artefacts of the browser suites go under this run's temp dir.
  const artifacts = join(out, `artifacts-mediawiki-${mediawiki}`);
  jestSuite(`full stack (MediaWiki ${mediawiki}, WordPress 6.1 and 6.8, Chromium)`, ['--selectProjects', 'fullstack', '--runInBand'], { AUTHBRIDGE_MEDIAWIKI: mediawiki, AUTHBRIDGE_ARTIFACTS: artifacts });
}

process.stdout.write(`\n${failures.length ? 'FAILED:\n  ' + failures.join('\n  ') + '\n' : ''}`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failures.length ? 1 : 0);
