'use strict';
// Small helpers shared by the harness modules: free ports, waiting, stopping a child by pid.
const net = require('node:net');

/** A free TCP port on 127.0.0.1 (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it resolves truthy or `timeoutMs` passes; throws with `what` and the last error. */
async function waitFor(what, check, { timeoutMs = 20000, intervalMs = 100, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`${what}: process exited with code ${child.exitCode}\n${tail(child)}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${lastError ? ` (${lastError.message})` : ''}${child ? `\n${tail(child)}` : ''}`);
}

/** Keep the last lines a child printed, for error messages. */
function captureOutput(child, max = 60) {
  child.outputLines = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (!line) continue;
      child.outputLines.push(line);
      if (child.outputLines.length > max) child.outputLines.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
}

function tail(child) {
  return (child.outputLines || []).join('\n');
}

/**
 * Stop exactly this child (by its pid): SIGTERM, then SIGKILL after `graceMs`. A child spawned
 * with `detached: true` leads its own process group, and the whole group is signalled: `php -S`
 * with PHP_CLI_SERVER_WORKERS forks workers that outlive their parent otherwise.
 */
async function stopChild(child, graceMs = 3000) {
  if (!child) return;
  const target = child.spawnargs && child.killGroup ? -child.pid : child.pid;
  const signal = (sig) => {
    try {
      process.kill(target, sig);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
  };
  const running = child.exitCode === null && child.signalCode === null;
  const exited = running ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  if (child.killGroup) {
    // workers may take a moment after the parent; make sure none is left holding the port
    await sleep(50);
    signal('SIGKILL');
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

module.exports = { freePort, sleep, waitFor, captureOutput, tail, stopChild };

/**
 * One HTTP request without keep-alive (so no socket outlives a test run).
 * @returns {Promise<{status: number, headers: import('node:http').IncomingHttpHeaders, text: string}>}
 */
function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  const http = require('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

module.exports.httpRequest = httpRequest;
