'use strict';
// The example PHP website (examples/php-website) served by `php -S` on 127.0.0.1 and browsed
// as http://localhost:PORT, so it shares no cookie with the wiki on 127.0.0.1. For the
// single-sign-on suite, the example website's own suite and bench. Its client is created with
// the README's own command (readmeClientCreateArgs), so the README says what is tested.
const path = require('node:path');
const { spawn } = require('node:child_process');
const { freePort, waitFor, captureOutput, stopChild } = require('./processes.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const DOCROOT = path.join(ROOT, 'examples', 'php-website');
const PHP = process.env.PHP_BINARY || 'php';

/**
 * @param {object} options
 * @param {string} options.apiUrl identity API base URL
 * @param {string} options.secret the website's client credential (auth:verify, sso:issue)
 * @param {string} options.wikiId $wgAuthBridgeWikiId
 * @param {string} options.wikiUrl $wgServer + $wgScriptPath of the wiki
 * @param {Record<string,string>} [options.env] more settings, e.g. WEBSITE_HTTPS
 */
async function startExampleWebsite({ apiUrl, secret, wikiId, wikiUrl, env = {} }) {
  const port = await freePort();
  const child = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', DOCROOT], {
    env: {
      ...process.env,
      PHP_CLI_SERVER_WORKERS: '2',
      AUTHBRIDGE_API_URL: apiUrl,
      AUTHBRIDGE_API_SECRET: secret,
      AUTHBRIDGE_WIKI_ID: wikiId,
      AUTHBRIDGE_WIKI_URL: wikiUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopChild() ends php -S and the workers it forks together.
    detached: true,
  });
  child.killGroup = true;
  captureOutput(child);
  const url = `http://localhost:${port}`;
  await waitFor('example website', async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, { child });
  return {
    url,
    port,
    output: () => (child.outputLines || []).join('\n'),
    stop: () => stopChild(child),
  };
}

/**
 * The arguments of the README's `clients create --name website ...` command (after `cli --`),
 * so the suites create the website's client exactly as a reader of the README would.
 */
function readmeClientCreateArgs() {
  const readme = require('node:fs').readFileSync(path.join(DOCROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => /npm run -s cli -- clients create --name website /.test(l));
  if (!line) throw new Error('examples/php-website/README.md has no `clients create --name website` command');
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(5);
}

module.exports = { startExampleWebsite, readmeClientCreateArgs };
