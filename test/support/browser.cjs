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

module.exports = { launchChromium, CHROMIUM, artifactsDir, saveScreenshot };
