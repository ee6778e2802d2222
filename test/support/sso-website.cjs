'use strict';
// The example PHP website (examples/php-website) served by `php -S` on 127.0.0.1 and browsed
// as http://localhost:PORT, so it shares no cookie with the wiki on 127.0.0.1. For the
// single-sign-on suite and bench.
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
 */
async function startExampleWebsite({ apiUrl, secret, wikiId, wikiUrl }) {
  const port = await freePort();
  const child = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', DOCROOT], {
    env: {
      ...process.env,
      PHP_CLI_SERVER_WORKERS: '2',
      AUTHBRIDGE_API_URL: apiUrl,
      AUTHBRIDGE_API_SECRET: secret,
      AUTHBRIDGE_WIKI_ID: wikiId,
      AUTHBRIDGE_WIKI_URL: wikiUrl,
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

module.exports = { startExampleWebsite };
