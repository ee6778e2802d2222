'use strict';
// A throwaway MediaWiki with AuthBridge, on SQLite in a temp dir, served by `php -S` on a free
// loopback port. Two MediaWikis: 1.39 (Debian 12's package on this host, PHP 8.2) and 1.43
// (Debian 13's package in the chroot of scripts/trixie-chroot.sh, PHP 8.4). Every PHP process
// of a 1.43 wiki (install.php, maintenance scripts, php -S) runs through `chroot DIR …`; the
// chroot sees this checkout and /tmp at the same paths, and shares the network. Pick the
// version with AUTHBRIDGE_MEDIAWIKI=1.39|1.43 (default 1.39) or startWiki({ mediawiki }).
// AuthBridge settings live in an include file that tests can rewrite between requests
// (LocalSettings.php is read on every request). PHP's own errors and MediaWiki's error and
// deprecation channels go to log files of the wiki (with $wgDevelopmentWarnings on), so
// suites can assert the extension caused none.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFile, execFileSync } = require('node:child_process');
const { freePort, waitFor, captureOutput, stopChild, httpRequest } = require('./processes.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const EXTENSION_DIR = path.join(ROOT, 'mediawiki-extension-contract', 'extension');
const EXTENSION_JSON = path.join(EXTENSION_DIR, 'extension.json');
/** php -S router: entry points and files only (see the file for the session race it prevents). */
const ROUTER = path.join(__dirname, 'wiki-router.php');
const TRIXIE_SCRIPT = path.join(ROOT, 'scripts', 'trixie-chroot.sh');

/** Where each MediaWiki comes from, and how its PHP is started. */
const MEDIAWIKIS = {
  '1.39': {
    label: 'MediaWiki 1.39 (Debian 12, PHP 8.2)',
    mwPath: process.env.MW_INSTALL_PATH || '/usr/share/mediawiki',
    php: process.env.PHP_BINARY || 'php',
    chroot: null,
  },
  '1.43': {
    label: 'MediaWiki 1.43 (Debian 13 chroot, PHP 8.4)',
    mwPath: '/usr/share/mediawiki',
    php: 'php',
    chroot: process.env.AUTHBRIDGE_TRIXIE_CHROOT || '/var/cache/authbridge/trixie',
  },
};

function mediawikiVersion(requested) {
  const version = requested || process.env.AUTHBRIDGE_MEDIAWIKI || '1.39';
  if (!MEDIAWIKIS[version]) throw new Error(`AUTHBRIDGE_MEDIAWIKI=${version}: use one of ${Object.keys(MEDIAWIKIS).join(', ')}`);
  return version;
}

/** The MediaWiki the suites run against, e.g. for describe() titles. */
function mediawikiLabel(requested) {
  return MEDIAWIKIS[mediawikiVersion(requested)].label;
}

/**
 * [command, args] that run php with `args` and extra environment on that MediaWiki's PHP:
 * `php …` on the host, `chroot DIR env K=V … php …` for the chroot (env passes the variables
 * through chroot, which keeps the caller's environment otherwise).
 */
function phpCommand(mw, args, env = {}) {
  if (!mw.chroot) return [mw.php, args];
  const prefix = process.getuid && process.getuid() !== 0 ? ['sudo', '-n', 'chroot'] : ['chroot'];
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return [prefix[0], [...prefix.slice(1), mw.chroot, 'env', ...assignments, mw.php, ...args]];
}

/** Throws (never skips) when php or MediaWiki is missing. */
function assertMediaWikiAvailable(requested) {
  const mw = MEDIAWIKIS[mediawikiVersion(requested)];
  const root = mw.chroot ?? '';
  if (!fs.existsSync(path.join(root + mw.mwPath, 'maintenance', 'install.php'))) {
    throw new Error(mw.chroot
      ? `MediaWiki 1.43 not found in the chroot ${mw.chroot} (run bash scripts/trixie-chroot.sh)`
      : `MediaWiki not found at ${mw.mwPath} (apt-get install mediawiki, or set MW_INSTALL_PATH)`);
  }
  if (mw.chroot && !fs.existsSync(path.join(mw.chroot, EXTENSION_JSON))) {
    throw new Error(`this checkout is not mounted in the chroot ${mw.chroot} (run bash scripts/trixie-chroot.sh)`);
  }
  const [cmd, args] = phpCommand(mw, ['-r', 'echo PHP_VERSION;']);
  return new Promise((resolve, reject) => {
    execFile(cmd, args, (error, stdout) => {
      if (error) reject(new Error(`php is not runnable for ${mw.label} (${error.message})`));
      else resolve(stdout.trim());
    });
  });
}

function phpString(value) {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A PHP literal for a JSON-like value (strings, numbers, booleans, arrays, objects). */
function phpValue(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return phpString(value);
  if (Array.isArray(value)) return `[ ${value.map(phpValue).join(', ')} ]`;
  return `[ ${Object.entries(value).map(([k, v]) => `${phpString(k)} => ${phpValue(v)}`).join(', ')} ]`;
}

/**
 * @param {object} options
 * @param {Record<string, unknown>} options.settings $wgAuthBridge... without the $wg prefix
 * @param {string} [options.extraPhp] more LocalSettings lines
 * @param {number} [options.workers] PHP_CLI_SERVER_WORKERS
 * @param {string} [options.mediawiki] '1.39' or '1.43' (default: AUTHBRIDGE_MEDIAWIKI, else 1.39)
 */
async function startWiki({ settings = {}, extraPhp = '', workers = 2, mediawiki } = {}) {
  const version = mediawikiVersion(mediawiki);
  const mw = MEDIAWIKIS[version];
  await assertMediaWikiAvailable(version);
  // Under /tmp: the chroot shares /tmp with the host, not whatever TMPDIR points to.
  const dir = fs.mkdtempSync(path.join(mw.chroot ? '/tmp' : os.tmpdir(), 'authbridge-wiki-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = `Adm-${crypto.randomBytes(9).toString('base64url')}`;
  const wiki = new Wiki({ dir, port, url, adminPassword, workers, version, mw });
  try {
    await wiki.php([
      path.join(mw.mwPath, 'maintenance', 'install.php'),
      '--dbtype=sqlite', `--dbpath=${dir}`, '--dbname=wiki', `--server=${url}`, '--scriptpath=',
      `--confpath=${dir}`, `--pass=${adminPassword}`, 'AuthBridge Test Wiki', 'Admin',
    ]);
    fs.appendFileSync(path.join(dir, 'LocalSettings.php'), [
      '',
      '# Added by test/support/wiki.cjs',
      `wfLoadExtension( 'AuthBridge', ${phpString(EXTENSION_JSON)} );`,
      `$wgDebugLogGroups['AuthBridge'] = ${phpString(path.join(dir, 'authbridge.log'))};`,
      // Every deprecation, warning and notice, logged where the suites read them.
      '$wgDevelopmentWarnings = true;',
      'error_reporting( E_ALL );',
      ...['error', 'exception', 'fatal', 'deprecated'].map((channel) =>
        `$wgDebugLogGroups[${phpString(channel)}] = ${phpString(path.join(dir, 'mediawiki-errors.log'))};`),
      `$wgGroupPermissions['editor']['edit'] = true;`,
      `$wgGroupPermissions['staff-team']['edit'] = true;`,
      `require __DIR__ . '/AuthBridgeSettings.php';`,
      extraPhp,
      '',
    ].join('\n'));
    wiki.setSettings(settings);
    await wiki.start();
  } catch (error) {
    await wiki.dispose();
    throw error;
  }
  return wiki;
}

class Wiki {
  constructor({ dir, port, url, adminPassword, workers, version, mw }) {
    Object.assign(this, { dir, port, url, adminPassword, workers, version, mw });
    this.label = mw.label;
    this.apiUrl = `${url}/api.php`;
    this.settings = {};
    this.child = null;
  }

  /** PHP's own error log for every PHP process of this wiki (before MediaWiki's handler is in place). */
  phpIni() {
    return ['-d', 'log_errors=1', '-d', `error_log=${path.join(this.dir, 'php-errors.log')}`, '-d', 'display_errors=0', '-d', 'error_reporting=-1'];
  }

  /** Run php on this wiki's MediaWiki; resolves with standard output. */
  php(args, { env = {}, timeout = 60000 } = {}) {
    const [cmd, argv] = phpCommand(this.mw, [...this.phpIni(), ...args], env);
    return new Promise((resolve, reject) => {
      execFile(cmd, argv, { timeout, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
        const script = path.basename(args.find((a) => a.endsWith('.php')) || 'php');
        if (error) reject(new Error(`${script} failed: ${stderr || stdout || error.message}`));
        else resolve(stdout);
      });
    });
  }

  /** Replace the AuthBridge settings; takes effect at the next request. */
  setSettings(settings) {
    this.settings = { ...settings };
    const lines = Object.entries(this.settings).map(([key, value]) => `$wg${key} = ${phpValue(value)};`);
    const file = path.join(this.dir, 'AuthBridgeSettings.php');
    fs.writeFileSync(`${file}.tmp`, `<?php\n${lines.join('\n')}\n`);
    fs.renameSync(`${file}.tmp`, file);
  }

  /** Change some settings, keep the others. */
  updateSettings(changes) {
    this.setSettings({ ...this.settings, ...changes });
  }

  async start() {
    if (this.child) return;
    const env = { MW_CONFIG_FILE: path.join(this.dir, 'LocalSettings.php'), PHP_CLI_SERVER_WORKERS: String(this.workers) };
    const [cmd, argv] = phpCommand(this.mw, [...this.phpIni(), '-S', `127.0.0.1:${this.port}`, '-t', this.mw.mwPath, ROUTER], env);
    const child = spawn(cmd, argv, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group (chroot and env exec into php), so stopChild() ends php -S and its workers.
      detached: true,
    });
    child.killGroup = true;
    captureOutput(child);
    this.child = child;
    await waitFor('wiki api.php', async () =>
      (await httpRequest(`${this.apiUrl}?action=query&meta=siteinfo&format=json`)).status === 200, { child });
  }

  /** Stop exactly the php -S process group this harness started (by pid). */
  async stop() {
    const child = this.child;
    this.child = null;
    await stopChild(child);
  }

  async dispose() {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** What AuthBridge logged (channel 'AuthBridge'). */
  authBridgeLog() {
    return this.readLog('authbridge.log');
  }

  readLog(name) {
    const file = path.join(this.dir, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** Every PHP error, warning, notice and deprecation this wiki logged (PHP's log and MediaWiki's channels). */
  phpLog() {
    return this.readLog('php-errors.log') + this.readLog('mediawiki-errors.log');
  }

  /**
   * The problems the extension caused: log entries with its files in the message or backtrace,
   * or its namespace in a deprecation's "Called from". An entry is a line that starts a record
   * (PHP's "[date] PHP …", MediaWiki's "date host wiki: …") with its continuation lines; each
   * problem is reported once, by its PHP message ("PHP Deprecated: … [Called from …]").
   */
  extensionPhpProblems() {
    const entries = [];
    for (const line of this.phpLog().split('\n')) {
      if (/^(\[\d|\d{4}-\d\d-\d\d)/.test(line) || entries.length === 0) entries.push(line);
      else entries[entries.length - 1] += `\n${line}`;
    }
    // MediaWiki's channel logs each one again with a backtrace: report the message once, with the
    // extension's frame when a backtrace names one.
    const problems = new Map();
    for (const e of entries.filter((x) => x.includes(EXTENSION_DIR) || x.includes('MediaWiki\\Extension\\AuthBridge'))) {
      const message = (/PHP [A-Z][a-z]+( error)?:.*/.exec(e.split('\n')[0])?.[0] ?? e.split('\n')[0])
        .replace(/\s+/g, ' ').replace(/ in \/\S+ on line \d+$/, '').replace(/ \[Called from [^\]]*\]$/, (m) => m.replace(/ in \/\S+ at line \d+/, ''));
      const frame = e.split('\n').find((line) => /^#\d/.test(line) && line.includes(EXTENSION_DIR));
      if (frame || !problems.has(message)) problems.set(message, frame ? `${message} (at ${frame.replace(/^#\d+ /, '').replace(`${EXTENSION_DIR}/`, '')})` : message);
    }
    return [...problems.values()];
  }

  /** Run a maintenance script of this wiki, e.g. ('createAndPromote.php', ['Bob', 'pw']). */
  maintenance(script, args = []) {
    const file = path.isAbsolute(script) ? script : path.join(this.mw.mwPath, 'maintenance', script);
    return this.php([file, `--conf=${path.join(this.dir, 'LocalSettings.php')}`, ...args]);
  }

  /** Run one of the extension's own maintenance scripts, e.g. ('linkAccounts.php', ['--dry-run']). */
  extensionMaintenance(script, args = []) {
    return this.php([path.join(EXTENSION_DIR, 'maintenance', script), `--conf=${path.join(this.dir, 'LocalSettings.php')}`, ...args], {
      env: { MW_INSTALL_PATH: this.mw.mwPath },
    });
  }

  /**
   * A wiki account as another login extension leaves it (AuthManager auto-creation, no local
   * password), e.g. ('Alice', { groups: ['sysop'], email: 'a@example.org' }); or, with
   * { temporary: true }, a temporary account. Resolves with the script's output.
   */
  externalAccount(name, { groups = [], email, temporary = false } = {}) {
    const args = temporary ? ['--temporary'] : [name, ...(groups.length ? ['--groups', groups.join(',')] : []), ...(email ? ['--email', email] : [])];
    return this.php([path.join(ROOT, 'test', 'fixtures', 'mediawiki', 'externalAccount.php'), `--conf=${path.join(this.dir, 'LocalSettings.php')}`, ...args], {
      env: { MW_INSTALL_PATH: this.mw.mwPath },
    });
  }

  output() {
    return (this.child?.outputLines || []).join('\n');
  }
}

/** Make sure the Debian 13 chroot exists and this checkout is mounted in it (idempotent). */
function prepareChroot() {
  execFileSync('bash', [TRIXIE_SCRIPT], { stdio: 'inherit' });
}

module.exports = { startWiki, Wiki, assertMediaWikiAvailable, mediawikiLabel, mediawikiVersion, prepareChroot, MEDIAWIKIS, MW_PATH: MEDIAWIKIS['1.39'].mwPath };
