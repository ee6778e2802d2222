// The extension's house habits (issue 12): `php -l` on every PHP file, then Debian's phpcs with
// the project ruleset (mediawiki-extension-contract/extension/.phpcs.xml). Fails on any syntax
// error and on any phpcs finding, warnings included: issue 12 asks for 0 findings, and a warning
// that is only counted (as MediaWiki's CI does for line length) piles up unseen. Every finding
// is printed as file:line:column so it can be fixed where it is.
// Prints the plain "N passed, N failed" line that scripts/test.cjs and CI read.
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const extension = join(root, 'mediawiki-extension-contract/extension');

function phpFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'vendor' ? [] : phpFiles(path);
    return entry.name.endsWith('.php') ? [path] : [];
  });
}

const files = [...phpFiles(extension), ...phpFiles(join(root, 'mediawiki-extension-contract/scripts'))].sort();
let passed = 0;
let failed = 0;
for (const file of files) {
  const lint = spawnSync('php', ['-l', file], { encoding: 'utf8' });
  if (lint.status === 0) passed++;
  else {
    failed++;
    process.stdout.write(`php -l ${relative(root, file)}:\n${lint.stdout}${lint.stderr}`);
  }
}
process.stdout.write(`php -l: ${files.length} files, ${failed} with syntax errors\n`);

const phpcs = spawnSync('phpcs', ['--standard=' + join(extension, '.phpcs.xml'), '--report=json', '-q', extension], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (phpcs.error || !phpcs.stdout.trim().startsWith('{')) {
  failed++;
  process.stdout.write(`phpcs did not run (is php-codesniffer installed? scripts/debian-packages.txt): ${phpcs.error?.message ?? phpcs.stderr}\n`);
} else {
  const report = JSON.parse(phpcs.stdout);
  for (const [file, result] of Object.entries(report.files)) {
    for (const m of result.messages) {
      process.stdout.write(`${relative(root, file)}:${m.line}:${m.column} ${m.type.toLowerCase()}: ${m.message} (${m.source})\n`);
    }
  }
  process.stdout.write(`phpcs: ${report.totals.errors} errors, ${report.totals.warnings} warnings\n`);
  if (report.totals.errors === 0 && report.totals.warnings === 0) passed++;
  else failed++;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
