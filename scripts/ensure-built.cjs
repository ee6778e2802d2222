// Builds the API and the CLI when dist/ is missing or older than the TypeScript sources,
// so `npm start` and `npm run cli` work straight after a clone.
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync, existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outputs = ['dist/apps/identity-api/src/main.js', 'dist/apps/cli/src/main.js'].map((p) => join(root, p));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(newestSource(join(root, 'apps')), newestSource(join(root, 'libs')));
const stale = outputs.some((p) => !existsSync(p) || statSync(p).mtimeMs < sources);
if (stale) {
  process.stderr.write('authbridge: building (first start or changed sources)...\n');
  // From an empty dist/: a file left by an older build (a module since moved into a folder of
  // the same name) would otherwise shadow the new one in require().
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  try {
    for (const project of ['identity-api', 'cli']) {
      // The compiler's output goes to stderr: stdout is the command's (`npm run -s cli -- … --json`).
      execFileSync(process.execPath, [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', project], { cwd: root, stdio: ['ignore', 2, 'inherit'] });
    }
  } catch {
    process.stderr.write('authbridge: the build failed (see the compiler messages above)\n');
    process.exit(1);
  }
}
