// The extension's house habits (issue 12): `php -l` on every PHP file, then Debian's phpcs with
// the project ruleset (mediawiki-extension-contract/extension/.phpcs.xml). Fails on any syntax
// error or phpcs error; line-length warnings are printed and counted, as MediaWiki treats them.
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
    for (const m of result.messages.filter((x) => x.type === 'ERROR')) {
      process.stdout.write(`${relative(root, file)}:${m.line}:${m.column} ${m.message} (${m.source})\n`);
    }
  }
  process.stdout.write(`phpcs: ${report.totals.errors} errors, ${report.totals.warnings} warnings (line length)\n`);
  if (report.totals.errors === 0) passed++;
  else failed++;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
