'use strict';
// Headless Chromium through playwright-core. Throws (never skips) when chromium is missing.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** Where screenshots go: AUTHBRIDGE_ARTIFACTS (npm test sets it under the run's temp dir), else a temp dir. */
function artifactsDir() {
  const dir = process.env.AUTHBRIDGE_ARTIFACTS || path.join(os.tmpdir(), 'authbridge-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A full-page screenshot saved as a test artefact; prints and returns its path. */
async function saveScreenshot(page, name) {
  const file = path.join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stderr.write(`screenshot: ${file}\n`);
  return file;
}

/** fn(page) in a fresh browser context (its own cookie jar), closed afterwards. */
async function withPage(browser, fn) {
  const context = await browser.newContext();
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** The logged-in user of a wiki page (RLCONF.wgUserName, set in its head), or null. */
async function wikiUserName(page) {
  await page.waitForFunction(() => window.RLCONF !== undefined, null, { timeout: 10000 });
  return page.evaluate(() => window.RLCONF.wgUserName ?? null);
}

/**
 * Fill the wiki's Special:UserLogin like a person; returns the error shown (null for none), who
 * is logged in afterwards and the time from the click until the wiki's answer arrives (the
 * server's part: rendering the page afterwards is the browser's).
 */
async function formLogin(page, wikiUrl, username, password) {
  await page.goto(`${wikiUrl}/index.php?title=Special:UserLogin`);
  await page.fill('#wpName1', username);
  await page.fill('#wpPassword1', password);
  const start = Date.now();
  await Promise.all([page.waitForNavigation({ waitUntil: 'commit' }), page.click('#wpLoginAttempt')]);
  const ms = Date.now() - start;
  await page.waitForLoadState('load');
  // 1.39: .errorbox / .mw-message-box-error; 1.43: Codex .cdx-message--error
  const errorBox = page.locator('.errorbox, .mw-message-box-error, .cdx-message--error');
  const error = (await errorBox.count()) ? (await errorBox.first().innerText()).trim() : null;
  return { ms, error, userName: await wikiUserName(page) };
}

module.exports = { launchChromium, CHROMIUM, artifactsDir, saveScreenshot, withPage, wikiUserName, formLogin };
