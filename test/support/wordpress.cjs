'use strict';
// A throwaway WordPress on the machine's MariaDB: a scratch database per call, installed and
// driven by WordPress's own PHP (test/support/wordpress-cli.php), with a SELECT-only database
// user for AuthBridge. WordPress 6.1 is Debian 12's package on the host; 6.8 is Debian 13's,
// run inside the trixie chroot (scripts/trixie-chroot.sh), whose PHP reaches MariaDB on 127.0.0.1.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFile, execFileSync } = require('node:child_process');
const mysql = require('mysql2/promise');

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(__dirname, 'wordpress-cli.php');
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

/** 'host' (Debian 12, WordPress 6.1) or 'trixie' (Debian 13 chroot, WordPress 6.8). */
function wordpressRuntime(where) {
  if (where === 'host') {
    if (!fs.existsSync('/usr/share/wordpress/wp-settings.php')) throw new Error('WordPress is not installed (apt-get install wordpress php-mysql; scripts/debian-packages.txt)');
    return { php: ['php'], abspath: '/usr/share/wordpress' };
  }
  const chroot = execFileSync('bash', [path.join(ROOT, 'scripts/trixie-chroot.sh'), '--path'], { encoding: 'utf8' }).trim();
  // Idempotent: installs what trixie-packages.txt lists (wordpress, php-mysql) and mounts /tmp.
  execFileSync('bash', [path.join(ROOT, 'scripts/trixie-chroot.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!fs.existsSync(path.join(chroot, 'usr/share/wordpress/wp-settings.php'))) throw new Error(`WordPress is not installed in ${chroot}`);
  return { php: ['chroot', chroot, 'php'], abspath: '/usr/share/wordpress' };
}

async function admin(statements) {
  const connection = await mysql.createConnection({ ...MARIADB, multipleStatements: false });
  try {
    for (const statement of statements) await connection.query(statement);
  } finally {
    await connection.end();
  }
}

/**
 * @param {{ where?: 'host' | 'trixie', prefix?: string }} [options]
 * @returns {Promise<ScratchWordPress>}
 */
async function createScratchWordPress({ where = 'host', prefix = 'wp_' } = {}) {
  const runtime = wordpressRuntime(where);
  const suffix = crypto.randomBytes(5).toString('hex');
  const database = `authbridge_wp_${suffix}`;
  const reader = { user: `ab_ro_${suffix}`, password: crypto.randomBytes(12).toString('base64url') };
  await admin([`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci`]);
  const wp = new ScratchWordPress(runtime, database, prefix, reader);
  try {
    const installed = await wp.run({ install: true });
    wp.version = installed.version;
    // AuthBridge's user: SELECT on exactly the two tables the preset reads, nothing else.
    const grants = [];
    for (const host of ['127.0.0.1', 'localhost']) {
      grants.push(`CREATE USER '${reader.user}'@'${host}' IDENTIFIED BY '${reader.password}'`);
      for (const table of ['users', 'usermeta']) grants.push(`GRANT SELECT ON ${database}.${prefix}${table} TO '${reader.user}'@'${host}'`);
    }
    await admin(grants);
  } catch (error) {
    await wp.drop();
    throw error;
  }
  return wp;
}

class ScratchWordPress {
  constructor(runtime, database, prefix, reader) {
    Object.assign(this, { runtime, database, prefix, reader });
    this.version = null;
  }

  /** USER_SOURCE_URL for AuthBridge: the SELECT-only user. */
  get sourceUrl() {
    return `mysql://${this.reader.user}:${encodeURIComponent(this.reader.password)}@127.0.0.1:3306/${this.database}`;
  }

  /** Runs WordPress's PHP with a job; returns its JSON answer. */
  run(job) {
    const file = path.join(os.tmpdir(), `authbridge-wp-${crypto.randomBytes(6).toString('hex')}.json`);
    fs.writeFileSync(file, JSON.stringify({
      db: { name: this.database, user: MARIADB.user, password: MARIADB.password, host: '127.0.0.1' },
      prefix: this.prefix, abspath: this.runtime.abspath, ...job,
    }));
    const [cmd, ...args] = this.runtime.php;
    return new Promise((resolve, reject) => {
      execFile(cmd, [...args, CLI, file], { timeout: 60000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        fs.rmSync(file, { force: true });
        if (error) return reject(new Error(`WordPress PHP failed: ${stderr || stdout || error.message}`));
        try {
          resolve(JSON.parse(stdout.slice(stdout.indexOf('{'))));
        } catch {
          reject(new Error(`WordPress PHP printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
        }
      });
    });
  }

  /** Runs WordPress operations in order; returns their results. */
  async ops(...ops) {
    return (await this.run({ ops })).results;
  }

  /** wp_insert_user; returns the new user's id. */
  async insertUser(user) {
    return (await this.ops({ op: 'insert', user }))[0];
  }

  /** A statement as root on the scratch database (for rows WordPress itself would never write). */
  async sql(statement, params = []) {
    const connection = await mysql.createConnection({ ...MARIADB, database: this.database });
    try {
      const [rows] = await connection.query(statement, params);
      return rows;
    } finally {
      await connection.end();
    }
  }

  async drop() {
    await admin([
      `DROP DATABASE IF EXISTS ${this.database}`,
      `DROP USER IF EXISTS '${this.reader.user}'@'127.0.0.1'`,
      `DROP USER IF EXISTS '${this.reader.user}'@'localhost'`,
    ]);
  }
}

module.exports = { createScratchWordPress, ScratchWordPress };
