'use strict';
// A throwaway MediaWiki (Debian's package by default) with AuthBridge, on SQLite in a temp
// dir, served by `php -S` on a free loopback port. AuthBridge settings live in an include
// file that tests can rewrite between requests (LocalSettings.php is read on every request).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFile } = require('node:child_process');
const { freePort, waitFor, captureOutput, stopChild, httpRequest } = require('./processes.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const EXTENSION_JSON = path.join(ROOT, 'mediawiki-extension-contract', 'extension', 'extension.json');
const MW_PATH = process.env.MW_INSTALL_PATH || '/usr/share/mediawiki';
const PHP = process.env.PHP_BINARY || 'php';

/** Throws (never skips) when php or MediaWiki is missing. */
function assertMediaWikiAvailable() {
  if (!fs.existsSync(path.join(MW_PATH, 'maintenance', 'install.php'))) {
    throw new Error(`MediaWiki not found at ${MW_PATH} (apt-get install mediawiki, or set MW_INSTALL_PATH)`);
  }
  return new Promise((resolve, reject) => {
    execFile(PHP, ['-r', 'echo PHP_VERSION;'], (error, stdout) => {
      if (error) reject(new Error(`php is not runnable (${error.message}); apt-get install php-cli`));
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
 */
async function startWiki({ settings = {}, extraPhp = '', workers = 2 } = {}) {
  await assertMediaWikiAvailable();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-wiki-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = `Adm-${crypto.randomBytes(9).toString('base64url')}`;
  const wiki = new Wiki(dir, port, url, adminPassword, workers);
  try {
    await run(PHP, [
      path.join(MW_PATH, 'maintenance', 'install.php'),
      '--dbtype=sqlite', `--dbpath=${dir}`, '--dbname=wiki', `--server=${url}`, '--scriptpath=',
      `--confpath=${dir}`, `--pass=${adminPassword}`, 'AuthBridge Test Wiki', 'Admin',
    ]);
    fs.appendFileSync(path.join(dir, 'LocalSettings.php'), [
      '',
      '# Added by test/support/wiki.cjs',
      `wfLoadExtension( 'AuthBridge', ${phpString(EXTENSION_JSON)} );`,
      `$wgDebugLogGroups['AuthBridge'] = ${phpString(path.join(dir, 'authbridge.log'))};`,
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

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(args[0] || cmd)} failed: ${stderr || stdout || error.message}`));
      else resolve(stdout);
    });
  });
}

class Wiki {
  constructor(dir, port, url, adminPassword, workers) {
    Object.assign(this, { dir, port, url, adminPassword, workers });
    this.apiUrl = `${url}/api.php`;
    this.settings = {};
    this.child = null;
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
    const child = spawn(PHP, ['-S', `127.0.0.1:${this.port}`, '-t', MW_PATH], {
      env: {
        ...process.env,
        MW_CONFIG_FILE: path.join(this.dir, 'LocalSettings.php'),
        PHP_CLI_SERVER_WORKERS: String(this.workers),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.killGroup = true;
    captureOutput(child);
    this.child = child;
    await waitFor('wiki api.php', async () =>
      (await httpRequest(`${this.apiUrl}?action=query&meta=siteinfo&format=json`)).status === 200, { child });
  }

  /** Stop exactly the php -S process this harness started (by pid). */
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
    const file = path.join(this.dir, 'authbridge.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  /** Run a maintenance script of this wiki, e.g. ('createAndPromote.php', ['Bob', 'pw']). */
  maintenance(script, args = []) {
    return new Promise((resolve, reject) => {
      execFile(PHP, [path.join(MW_PATH, 'maintenance', script), `--conf=${path.join(this.dir, 'LocalSettings.php')}`, ...args],
        { timeout: 60000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`${script} failed: ${stderr || stdout}`));
          else resolve(stdout);
        });
    });
  }

  output() {
    return (this.child?.outputLines || []).join('\n');
  }
}

module.exports = { startWiki, Wiki, assertMediaWikiAvailable, MW_PATH };
