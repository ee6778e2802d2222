import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const API = resolve('dist/apps/identity-api/src/main.js');
const CLI = resolve('dist/apps/cli/src/main.js');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  /** SIGTERM to this process only; resolves with its exit code, or the signal that ended it. */
  stop(): Promise<number | string | null>;
}

/** Starts the built API (`npm start` without the build check) on a free port. */
export async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [API], { env: { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | string | null>((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`API did not become ready:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      return exited;
    },
  };
}

/** Runs the built CLI against `env`'s store; parses --json output. */
export function cli(args: string[], env: Record<string, string>): Promise<any> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error) fail(new Error(`cli ${args.join(' ')}: ${stderr}`));
      else done(args.includes('--json') ? JSON.parse(stdout) : stdout);
    });
  });
}

export interface HttpAnswer {
  status: number;
  body: any;
}

export async function call(base: string, method: string, path: string, secret: string, body?: unknown): Promise<HttpAnswer> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
