import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database next to the one `baseUrl` names, so every test app starts empty
 * and suites can run in parallel; dropped again by `drop`. An unreachable server throws, so a
 * PostgreSQL run fails loudly instead of passing on nothing. It sorts text like most production
 * servers do (ICU en-US: "a" < "B" < "é"), so a query that forgets the store's byte order fails.
 */
export async function createScratchDatabase(baseUrl: string): Promise<ScratchDatabase> {
  const name = `authbridge_test_${randomBytes(6).toString('hex')}`;
  await admin(baseUrl, `create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(baseUrl, `drop database if exists ${name} with (force)`) };
}

async function admin(baseUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
