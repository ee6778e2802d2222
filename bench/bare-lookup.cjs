// The baseline for the user look-up: a bare node:http server reading the same row from the same
// store (better-sqlite3 or pg), with no framework, no logging and no credential check, so the
// API's figure is a fraction of what this machine can do. Run as a child: node bare-lookup.cjs URL PORT.
const http = require('node:http');

const [url, port] = process.argv.slice(2);

async function open() {
  if (url.startsWith('postgres')) {
    const { Pool } = require('pg');
    const pool = new Pool({ connectionString: url, max: 10 });
    return async (name) => (await pool.query({ name: 'user', text: 'select * from users where username = $1', values: [name] })).rows[0];
  }
  const Database = require('better-sqlite3');
  const db = new Database(url.slice('sqlite:'.length), { readonly: true });
  const statement = db.prepare('select * from users where username = ?');
  return async (name) => statement.get(name);
}

open().then((find) => {
  http
    .createServer(async (req, res) => {
      const name = decodeURIComponent(req.url.slice('/v1/users/'.length)).replace(/_/g, ' ');
      const row = await find(name);
      if (!row) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.stringify({ username: row.username, realName: row.real_name, email: row.email, emailVerified: Boolean(row.email_verified), groups: JSON.parse(row.groups_json), disabled: Boolean(row.disabled) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    })
    .listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
});
