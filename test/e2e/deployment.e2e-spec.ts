// Issue 11, deployment: the systemd unit and the OCI image recipe. No Docker engine runs on these
// machines, so the Dockerfile is checked by parsing it (dockerfile-ast, the parser behind the
// Docker language server) for the properties the README promises; the unit by systemd-analyze;
// and the built API is started with the whole root file system read-only except its state
// directory, which is what `docker run --read-only` and ProtectSystem=strict give it.
import { describe, expect, it, jest } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

jest.setTimeout(60000);

const ROOT = resolve('.');
const { freePort } = createRequire(join(ROOT, 'test/support/processes.cjs'))(join(ROOT, 'test/support/processes.cjs')) as { freePort(): Promise<number> };
const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const stages = dockerfile.getFROMs();
const runtimeStage = stages[stages.length - 1];
/** Instructions of the last stage: what the image that runs is made of. */
const runtime: Instruction[] = dockerfile.getInstructions().filter((i) => i.getRange().start.line > runtimeStage.getRange().start.line);
const keyword = (name: string) => runtime.filter((i) => i.getKeyword() === name);

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(cmd, args, { timeout: 30000 }, (error, stdout, stderr) => {
      resolveRun({ code: error ? Number((error as NodeJS.ErrnoException).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

describe('Dockerfile', () => {
  it('builds from a pinned Node 20 image in every stage, never :latest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const from of stages) {
      expect(from.getImageName()).toBe('node');
      expect(from.getImageTag()).toMatch(/^20\.\d+/);
    }
  });

  it('runs as a non-root user', () => {
    const users = keyword('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].getArgumentsContent() ?? '';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // the user is created in the image, with a fixed uid so volumes keep their owner
    expect(keyword('RUN').map((r) => r.getArgumentsContent()).join('\n')).toMatch(new RegExp(`useradd[^\\n]*--uid \\d+[^\\n]*${user.split(':')[0]}`));
  });

  it('copies only build output into the image, owned by root so the service user cannot change its code', () => {
    const copies = keyword('COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const args = copy.getTextContent();
      expect(args).toMatch(/--from=build\b/);
      expect(args).toMatch(/--chown=root:root\b/);
    }
    expect(keyword('ADD')).toHaveLength(0);
  });

  it('keeps every write in one volume, the SQLite store, so --read-only works', () => {
    const env = keyword('ENV').map((e) => e.getArgumentsContent()).join(' ');
    const databaseUrl = /DATABASE_URL=sqlite:(\S+)/.exec(env)?.[1];
    expect(databaseUrl).toBeDefined();
    const volume = keyword('VOLUME').map((v) => v.getArgumentsContent()).join(' ');
    const volumeDir = /"([^"]+)"/.exec(volume)?.[1] ?? '';
    expect(volumeDir).not.toBe('');
    expect(databaseUrl!.startsWith(`${volumeDir}/`)).toBe(true);
  });

  it('holds no secret in ENV or ARG', () => {
    const declared = dockerfile.getInstructions().filter((i) => ['ENV', 'ARG'].includes(i.getKeyword()));
    for (const instruction of declared) {
      expect(instruction.getArgumentsContent()).not.toMatch(/(SECRET|PASSWORD|TOKEN|abk_)/i);
    }
  });

  it('checks readiness and starts the built API in exec form (so SIGTERM reaches node)', () => {
    const health = keyword('HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0].getArgumentsContent()).toContain('/health/ready');
    const cmd = keyword('CMD');
    expect(cmd).toHaveLength(1);
    const argv = JSON.parse(cmd[0].getArgumentsContent() ?? '[]') as string[];
    expect(argv[0]).toBe('node');
    // the path the build writes (npm test builds before this suite)
    expect(existsSync(join(ROOT, argv[1]))).toBe(true);
  });

  it('installs with the lock file and leaves development packages out of the image', () => {
    const runs = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'RUN').map((r) => r.getArgumentsContent() ?? '');
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm install\b/.test(r))).toBe(false);
    expect(runs.some((r) => /npm prune --omit=dev/.test(r))).toBe(true);
  });

  it('leaves local stores, secrets and the git history out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'data', '*.sqlite', '*.env']) expect(ignored).toContain(entry);
  });
});

describe('systemd unit', () => {
  const unit = join(ROOT, 'deploy/systemd/authbridge.service');

  it('passes systemd-analyze verify without a warning', async () => {
    const result = await run('systemd-analyze', ['verify', unit]);
    // verify exits 0 on unknown keys and bad values, printing warnings: both count here
    expect(result.stderr.trim()).toBe('');
    expect(result.code).toBe(0);
  });

  it('runs the built API as its own user with a private state directory and a read-only system', () => {
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^User=authbridge$/m);
    expect(text).toMatch(/^StateDirectory=authbridge$/m);
    expect(text).toMatch(/^StateDirectoryMode=0700$/m);
    expect(text).toMatch(/^ProtectSystem=strict$/m);
    expect(text).toMatch(/^NoNewPrivileges=yes$/m);
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \S+\/dist\/apps\/identity-api\/src\/main\.js$/m);
    const env = readFileSync(join(ROOT, 'deploy/systemd/authbridge.env.example'), 'utf8');
    expect(env).toMatch(/^DATABASE_URL=sqlite:\/var\/lib\/authbridge\//m);
  });
});

describe('the built API on a read-only root file system', () => {
  it('starts, migrates its store in the one writable directory, and answers /health/ready', async () => {
    // A private mount namespace (needs root, as CI has): / read-only, the state directory bound
    // writable on top of it. Fails, never skips, without root: the suite must not pass on nothing.
    expect(process.getuid?.()).toBe(0);
    const state = mkdtempSync(join(tmpdir(), 'authbridge-ro-'));
    const port = await freePort();
    const script = [
      'set -e',
      `mount --bind ${state} ${state}`,
      'mount -o remount,bind,ro /',
      `exec ${process.execPath} ${join(ROOT, 'dist/apps/identity-api/src/main.js')}`,
    ].join('\n');
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${state}/authbridge.sqlite` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    try {
      let status = 0;
      for (let i = 0; i < 150 && status !== 200 && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0);
      }
      expect({ status, exitCode: child.exitCode, output: status === 200 ? '' : output }).toEqual({ status: 200, exitCode: null, output: '' });
      expect(existsSync(join(state, 'authbridge.sqlite'))).toBe(true);
    } finally {
      if (child.exitCode === null) {
        // unshare and sh exec into node: this pid is the API itself
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(state, { recursive: true, force: true });
    }
  });
});
