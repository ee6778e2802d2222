import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../e2e/helpers/scratch-database';
import { call, cli, startApi, type ApiProcess } from './api-processes';
import { postgresUrl } from './postgres-url';

const kidOf = (ticket: string) => JSON.parse(Buffer.from(ticket.split('.')[0], 'base64url').toString()).kid as string;

describe('single sign-on across two API instances on one PostgreSQL database', () => {
  let scratch: ScratchDatabase;
  let env: Record<string, string>;
  let a: ApiProcess;
  let b: ApiProcess;
  let website: string;
  let wiki: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [resolve('scripts/ensure-built.cjs')], { stdio: 'inherit' });
    scratch = await createScratchDatabase(postgresUrl());
    env = { DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: '5', SSO_ISSUER: 'multi' };
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
    website = (await cli(['clients', 'create', '--name', 'website', '--scopes', 'sso:issue', '--json'], env)).secret;
    const wikiClient = await cli(['clients', 'create', '--name', 'wiki', '--scopes', 'sso:redeem', '--json'], env);
    wiki = wikiClient.secret;
    await cli(['sso', 'wikis', 'add', '--id', 'wiki-a', '--url', 'http://127.0.0.1:9', '--client', wikiClient.id], env);
    await cli(['users', 'create', '--username', 'Multi user', '--json'], env);
  }, 180000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await scratch?.drop();
  });

  const issue = (api: ApiProcess) => call(api.url, 'POST', '/v1/sso/tickets', website, { username: 'Multi user' });
  const redeem = (api: ApiProcess, ticket: string) => call(api.url, 'POST', '/v1/sso/tickets/redeem', wiki, { ticket });

  it('signs with one shared key and serves the same JWKS on both', async () => {
    const fromA = (await issue(a)).body.ticket;
    const fromB = (await issue(b)).body.ticket;
    expect(kidOf(fromA)).toBe(kidOf(fromB));
    const [jwksA, jwksB] = await Promise.all([fetch(`${a.url}/.well-known/jwks.json`), fetch(`${b.url}/.well-known/jwks.json`)]);
    expect(await jwksA.json()).toEqual(await jwksB.json());
    expect((await redeem(b, fromA)).status).toBe(200);
    expect((await redeem(a, fromB)).status).toBe(200);
  });

  it('lets exactly one of many concurrent redeems through, whichever instance they reach', async () => {
    const { ticket } = (await issue(a)).body;
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => redeem(i % 2 ? a : b, ticket)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(23);
    expect(new Set(answers.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual(new Set(['TICKET_REPLAYED']));
  });

  it('keeps a ticket in flight valid across `sso keys rotate`, and both instances sign with the new key', async () => {
    const before = (await issue(a)).body.ticket;
    const rotated = await cli(['sso', 'keys', 'rotate', '--json'], env);
    const afterA = (await issue(a)).body.ticket;
    const afterB = (await issue(b)).body.ticket;
    expect([kidOf(afterA), kidOf(afterB)]).toEqual([rotated.kid, rotated.kid]);
    expect(kidOf(before)).not.toBe(rotated.kid);
    expect((await redeem(b, before)).status).toBe(200);
    expect((await redeem(a, afterB)).status).toBe(200);
  });
});
