'use strict';
// Starts the built identity API (SQLite in a temp dir) and drives its CLI, for the full-stack
// suite and the benchmarks. Needs `npm run build` first.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFile } = require('node:child_process');
const { freePort, waitFor, captureOutput, stopChild, httpRequest } = require('./processes.cjs');

const ROOT = path.resolve(__dirname, '..', '..');

function firstExisting(candidates, what) {
  const found = candidates.map((p) => path.join(ROOT, p)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${what} is not built (looked for ${candidates.join(', ')}); run npm run build`);
  return found;
}

const apiEntry = () => firstExisting(['dist/apps/identity-api/src/main.js', 'dist/apps/identity-api/main.js'], 'The identity API');
const cliEntry = () => firstExisting(['dist/apps/cli/src/main.js', 'dist/apps/cli/main.js'], 'The CLI');

/**
 * @param {object} [options]
 * @param {Record<string,string>} [options.env] extra environment, e.g. THROTTLE_MAX_FAILURES
 * @returns {Promise<IdentityApi>}
 */
async function startIdentityApi({ env = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-api-'));
  const port = await freePort();
  const api = new IdentityApi(dir, port, {
    LOG_LEVEL: 'warn',
    ...env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `sqlite:${path.join(dir, 'identity.sqlite')}`,
  });
  await api.start();
  return api;
}

class IdentityApi {
  constructor(dir, port, env) {
    this.dir = dir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.env = env;
    this.child = null;
  }

  /** Start (or start again, same port and database). */
  async start() {
    if (this.child) return;
    const child = spawn(process.execPath, [apiEntry()], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    captureOutput(child);
    this.child = child;
    try {
      await waitFor('identity API /health/ready', async () => (await httpRequest(`${this.url}/health/ready`)).status === 200, { child });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stop the API process (by its pid); the database stays for a later start(). */
  async stop() {
    const child = this.child;
    this.child = null;
    await stopChild(child);
  }

  /** Stop and delete the temp directory. */
  async dispose() {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Run the CLI against this API's database; returns stdout (parsed when --json is given). */
  cli(args, { input } = {}) {
    return new Promise((resolve, reject) => {
      const child = execFile(process.execPath, [cliEntry(), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...this.env },
        timeout: 30000,
      }, (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`cli ${args.slice(0, 2).join(' ')} failed: ${stderr || error.message}`));
          return;
        }
        resolve(args.includes('--json') ? JSON.parse(stdout) : stdout);
      });
      if (input !== undefined) child.stdin.end(input);
      else child.stdin.end();
    });
  }

  /**
   * `clients create`; returns {id, secret, ...}. The wiki's client forwards the end user's
   * address (`forwardsEndUserAddress`), so the API's per-address limits apply to people, not
   * to the wiki server.
   */
  createClient(name, scopes, { forwardsEndUserAddress = false } = {}) {
    const args = ['clients', 'create', '--name', name, '--scopes', scopes.join(','), '--json'];
    if (forwardsEndUserAddress) args.push('--forwards-end-user-address');
    return this.cli(args);
  }

  /** `users create` with the password on stdin; returns the user object. */
  createUser({ username, password, email, realName, groups = [], emailVerified = false, disabled = false }) {
    const args = ['users', 'create', '--username', username, '--password-stdin', '--json'];
    if (email) args.push('--email', email);
    if (realName) args.push('--real-name', realName);
    if (groups.length) args.push('--groups', groups.join(','));
    if (emailVerified) args.push('--email-verified');
    if (disabled) args.push('--disabled');
    return this.cli(args, { input: `${password}\n` });
  }

  disableUser(username) {
    return this.cli(['users', 'disable', username]);
  }

  /** An HTTP call to the API with a client secret; returns {status, body}. */
  async request(method, route, { secret, body } = {}) {
    const res = await httpRequest(`${this.url}${route}`, {
      method,
      headers: {
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const { text } = res;
    let parsed = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body: parsed };
  }

  output() {
    return (this.child?.outputLines || []).join('\n');
  }
}

module.exports = { startIdentityApi, IdentityApi };
