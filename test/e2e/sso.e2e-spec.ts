import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { AuditLog, ClientCredentials, SsoKeys, SsoWikis, readBackChannelClaims, signJws } from '@authbridge/accounts';
import { SsoWikiRepository } from '@authbridge/storage';
import { SSO_LOGOUT_TYP, SSO_TICKET_TYP } from '@authbridge/contract';
import { createTestApp, bearer, type TestApp } from './helpers/test-app';
import { contractValidator } from './helpers/schemas';

const validate = contractValidator();
const ISSUER = 'https://id.test';

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Checks a token the way a wiki would, with jose and the published JWKS only: the project's own
 * verifyJws is what is under test, so it cannot be the judge. jose normalises typ (case, an
 * "application/" prefix), so the exact header is compared as well.
 */
async function independentlyVerified(
  t: TestApp, token: string, expected: { typ: string; audience: string },
): Promise<JWTPayload> {
  const jwks = (await t.http.get('/.well-known/jwks.json').expect(200)).body as JSONWebKeySet;
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
    algorithms: ['EdDSA'], typ: expected.typ, issuer: ISSUER, audience: expected.audience, requiredClaims: ['iat', 'exp', 'jti', 'sub'],
  });
  expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: expected.typ, kid: expect.any(String) });
  expect(jwks.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
  return payload;
}

/** A stand-in wiki REST endpoint that records the logout tokens it receives. */
async function fakeWiki(status = 204): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/w/rest.php/authbridge/v1/logout') received.push(JSON.parse(body).logoutToken);
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/w`, received, server };
}

describe('single sign-on', () => {
  let t: TestApp;
  let wikis: SsoWikis;
  let keys: SsoKeys;
  /** The id of the client behind t.secrets['sso:redeem']: the wikis' own credential. */
  let wikiClient: string;
  const issue = (body: object, secret = t.secrets['sso:issue']) => t.http.post('/v1/sso/tickets').set(bearer(secret)).send(body);
  const redeem = (ticket: string, secret = t.secrets['sso:redeem']) => t.http.post('/v1/sso/tickets/redeem').set(bearer(secret)).send({ ticket });

  beforeAll(async () => {
    t = await createTestApp({ SSO_ISSUER: ISSUER, SSO_TICKET_TTL_SECONDS: '30' });
    wikis = t.app.get(SsoWikis);
    keys = t.app.get(SsoKeys);
    wikiClient = t.secrets['sso:redeem'].split('_')[1];
    await wikis.add('wiki-a', 'http://127.0.0.1:9/w', wikiClient);
    await t.accounts.create({ username: 'jane_doe', email: 'jane@example.org', realName: 'Jane Doe', groups: ['editors'] });
    await t.accounts.create({ username: 'Dora', disabled: true });
  });
  afterAll(() => t.close());

  describe('GET /.well-known/jwks.json', () => {
    it('publishes the Ed25519 keys without a credential', async () => {
      const res = await t.http.get('/.well-known/jwks.json').expect(200);
      expect(validate('jwks', res.body)).toEqual([]);
      expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(res.body)).not.toMatch(/"d"|PRIVATE/);
    });

    it('may be cached 30 s: with the retired key published 65 s, the 95 s rotation window', async () => {
      const res = await t.http.get('/.well-known/jwks.json').expect(200);
      expect(res.headers['cache-control']).toBe('public, max-age=30');
    });
  });

  describe('POST /v1/sso/tickets', () => {
    it('issues a short-lived ticket bound to the wiki, with the login URL', async () => {
      const res = await issue({ username: 'Jane doe', returnTo: 'Help:Contents', remember: true }).expect(201);
      expect(validate('sso-ticket-response', res.body)).toEqual([]);
      expect(res.headers['cache-control']).toBe('no-store');
      const claims = await independentlyVerified(t, res.body.ticket, { typ: SSO_TICKET_TYP, audience: 'wiki-a' });
      expect(validate('sso-ticket-claims', claims)).toEqual([]);
      expect(claims).toMatchObject({ iss: ISSUER, aud: 'wiki-a', sub: 'Jane doe', remember: true, returnTo: 'Help:Contents' });
      expect((claims.exp as number) - (claims.iat as number)).toBe(30);
      expect(Date.parse(res.body.expiresAt)).toBe((claims.exp as number) * 1000);
      expect(res.body.loginUrl).toBe(`http://127.0.0.1:9/w/index.php?title=Special:AuthBridgeLogin&ticket=${res.body.ticket}`);
    });

    it("signs the wiki's nonce into the claims, and leaves it out when none is given", async () => {
      const nonce = createHash('sha256').update('the wiki cookie of one browser').digest('base64url');
      const body = { username: 'Jane doe', nonce };
      expect(validate('sso-ticket-request', body)).toEqual([]);
      const bound = await independentlyVerified(t, (await issue(body).expect(201)).body.ticket, { typ: SSO_TICKET_TYP, audience: 'wiki-a' });
      expect(validate('sso-ticket-claims', bound)).toEqual([]);
      expect(bound).toMatchObject({ sub: 'Jane doe', nonce });
      const unbound = claimsOf((await issue({ username: 'Jane doe' }).expect(201)).body.ticket);
      expect(unbound).not.toHaveProperty('nonce');
      // The API cannot see the browser: it redeems a bound ticket like any other; the wiki checks the nonce.
      expect((await redeem((await issue(body).expect(201)).body.ticket).expect(200)).body.user.username).toBe('Jane doe');
    });

    it.each([
      ['a nonce that is too short', 'abc'],
      ['a nonce that is too long', 'a'.repeat(44)],
      ['a nonce outside base64url', `${'a'.repeat(42)}+`],
      ['a nonce with padding', `${'a'.repeat(42)}=`],
      ['a nonce that is not a string', 42],
      ['an empty nonce', ''],
    ] as const)('refuses %s', async (_what, nonce) => {
      const res = await issue({ username: 'Jane doe', nonce });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'nonce' })]));
      expect(validate('problem', res.body)).toEqual([]);
      expect(validate('sso-ticket-request', { username: 'Jane doe', nonce })).not.toEqual([]);
    });

    it.each([
      ['no credential', undefined, { username: 'Jane doe' }, 401, 'UNAUTHENTICATED'],
      ['a credential without sso:issue', 'sso:redeem', { username: 'Jane doe' }, 403, 'FORBIDDEN'],
      ['an unknown user', 'sso:issue', { username: 'Nobody here' }, 404, 'USER_NOT_FOUND'],
      ['a disabled user', 'sso:issue', { username: 'Dora' }, 403, 'ACCOUNT_DISABLED'],
      ['a name MediaWiki refuses', 'sso:issue', { username: 'a|b' }, 400, 'INVALID_USERNAME'],
      ['an unknown audience', 'sso:issue', { username: 'Jane doe', audience: 'wiki-z' }, 400, 'UNKNOWN_AUDIENCE'],
      ['a returnTo that is a URL', 'sso:issue', { username: 'Jane doe', returnTo: 'https://evil.example/' }, 400, 'VALIDATION_FAILED'],
      ['a protocol-relative returnTo', 'sso:issue', { username: 'Jane doe', returnTo: '//evil.example/' }, 400, 'VALIDATION_FAILED'],
      ['remember that is not a boolean', 'sso:issue', { username: 'Jane doe', remember: 'yes' }, 400, 'VALIDATION_FAILED'],
    ] as const)('refuses %s', async (_what, scope, body, status, code) => {
      let req = t.http.post('/v1/sso/tickets');
      if (scope) req = req.set(bearer(t.secrets[scope]));
      const res = await req.send(body);
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(validate('problem', res.body)).toEqual([]);
    });

    it('needs an audience once several wikis are registered', async () => {
      await wikis.add('wiki-b', 'http://127.0.0.1:10/w', wikiClient);
      try {
        expect((await issue({ username: 'Jane doe' })).body.code).toBe('UNKNOWN_AUDIENCE');
        const forB = (await issue({ username: 'Jane doe', audience: 'wiki-b' }).expect(201)).body.ticket;
        expect((await independentlyVerified(t, forB, { typ: SSO_TICKET_TYP, audience: 'wiki-b' })).aud).toBe('wiki-b');
      } finally {
        await wikis.remove('wiki-b');
      }
    });
  });

  describe('POST /v1/sso/tickets/redeem', () => {
    it('answers the current user once, then TICKET_REPLAYED', async () => {
      const { ticket } = (await issue({ username: 'Jane doe', returnTo: 'Main Page' }).expect(201)).body;
      await t.accounts.update('Jane doe', { realName: 'Jane Q. Doe' });
      const first = await redeem(ticket).expect(200);
      expect(validate('sso-redeem-response', first.body)).toEqual([]);
      expect(first.body).toMatchObject({ remember: false, returnTo: 'Main Page', audience: 'wiki-a', user: { username: 'Jane doe', realName: 'Jane Q. Doe', groups: ['editors'] } });
      const second = await redeem(ticket).expect(409);
      expect(second.body.code).toBe('TICKET_REPLAYED');
    });

    it('records issue, redeem and replay in the audit log with the jti, never the ticket', async () => {
      const { ticket } = (await issue({ username: 'Jane doe' }).expect(201)).body;
      await redeem(ticket).expect(200);
      await redeem(ticket).expect(409);
      const jti = claimsOf(ticket).jti;
      const audit = t.app.get(AuditLog);
      const issued = (await audit.list({ event: 'sso.ticket.issue', limit: 200 })).items.filter((e) => e.detail.jti === jti);
      const redeemed = (await audit.list({ event: 'sso.ticket.redeem', limit: 200 })).items.filter((e) => e.detail.jti === jti || e.outcome === 'TICKET_REPLAYED');
      expect(issued).toEqual([expect.objectContaining({ outcome: 'issued', username: 'Jane doe' })]);
      expect(redeemed.map((e) => e.outcome)).toContain('redeemed');
      expect(redeemed.map((e) => e.outcome)).toContain('TICKET_REPLAYED');
      expect(JSON.stringify(await audit.list({ limit: 200 }))).not.toContain(ticket.split('.')[2]);
    });

    it('lets exactly one of many concurrent redeems through', async () => {
      const { ticket } = (await issue({ username: 'Jane doe' }).expect(201)).body;
      const statuses = (await Promise.all(Array.from({ length: 12 }, () => redeem(ticket)))).map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(11).fill(409)]);
    });

    it('refuses a changed signature or payload as TICKET_INVALID, without using the ticket up', async () => {
      const { ticket } = (await issue({ username: 'Jane doe' }).expect(201)).body;
      const [h, p, s] = ticket.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(ticket), sub: 'Dora' })).toString('base64url')}.${s}`;
      const flipped = `${h}.${p}.${s.slice(0, 20)}${s[20] === 'A' ? 'B' : 'A'}${s.slice(21)}`;
      for (const bad of [forged, flipped, `${h}.${p}.`, 'not-a-ticket']) expect((await redeem(bad).expect(400)).body.code).toBe('TICKET_INVALID');
      await redeem(ticket).expect(200);
    });

    it('refuses an expired ticket with TICKET_EXPIRED', async () => {
      const { kid, privateKey } = await keys.signingKey();
      const iat = Math.floor(Date.now() / 1000) - 100;
      const expired = await signJws({ typ: SSO_TICKET_TYP, kid }, { iss: ISSUER, aud: 'wiki-a', sub: 'Jane doe', jti: 'expired-jti-000000001', iat, nbf: iat, exp: iat + 30, remember: false }, privateKey);
      const res = await redeem(expired).expect(410);
      expect(res.body.code).toBe('TICKET_EXPIRED');
    });

    it('refuses a user disabled after the ticket was issued', async () => {
      await t.accounts.create({ username: 'Soon disabled' });
      const { ticket } = (await issue({ username: 'Soon disabled' }).expect(201)).body;
      await t.accounts.update('Soon disabled', { disabled: true });
      expect((await redeem(ticket).expect(403)).body.code).toBe('ACCOUNT_DISABLED');
    });

    it("refuses a client that is not the wiki's", async () => {
      const other = (await t.app.get(ClientCredentials).create('other-wiki', ['sso:redeem'])).id;
      const bound = await wikis.add('wiki-c', 'http://127.0.0.1:11/w', other);
      try {
        const { ticket } = (await issue({ username: 'Jane doe', audience: bound.id }).expect(201)).body;
        expect((await redeem(ticket).expect(403)).body.code).toBe('TICKET_WRONG_CLIENT');
      } finally {
        await wikis.remove('wiki-c');
      }
    });

    it('fails closed for a wiki registered without a client (before 1.2), and names the upgrade step', async () => {
      // What a store migrated from 1.1 holds: a wiki row without a client.
      await t.app.get(SsoWikiRepository).upsert({ id: 'wiki-legacy', url: 'http://127.0.0.1:12/w', clientId: null, createdAt: new Date().toISOString() });
      try {
        const { ticket } = (await issue({ username: 'Jane doe', audience: 'wiki-legacy' }).expect(201)).body;
        const refused = await redeem(ticket).expect(403);
        expect(refused.body.code).toBe('TICKET_WRONG_CLIENT');
        expect(refused.body.detail).toContain('sso wikis add --id wiki-legacy');
        // The refusal does not use the ticket up: after the upgrade step the wiki's client redeems it.
        await wikis.add('wiki-legacy', 'http://127.0.0.1:12/w', wikiClient);
        await redeem(ticket).expect(200);
      } finally {
        await wikis.remove('wiki-legacy');
      }
    });

    it('registers a wiki only with an active client that holds sso:redeem', async () => {
      const credentials = t.app.get(ClientCredentials);
      const website = (await credentials.create('website-only', ['sso:issue'])).id;
      const revoked = (await credentials.create('revoked-wiki', ['sso:redeem'])).id;
      await credentials.revoke(revoked);
      await expect(wikis.add('wiki-x', 'http://127.0.0.1:13/w', 'nosuchclient0000')).rejects.toMatchObject({ code: 'CLIENT_NOT_FOUND' });
      await expect(wikis.add('wiki-x', 'http://127.0.0.1:13/w', revoked)).rejects.toMatchObject({ code: 'CLIENT_NOT_FOUND' });
      await expect(wikis.add('wiki-x', 'http://127.0.0.1:13/w', website)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await wikis.find('wiki-x')).toBeUndefined();
    });

    it('needs the sso:redeem scope', async () => {
      const { ticket } = (await issue({ username: 'Jane doe' }).expect(201)).body;
      expect((await redeem(ticket, t.secrets['sso:issue']).expect(403)).body.code).toBe('FORBIDDEN');
    });

    it('keeps tickets in flight valid across a key rotation', async () => {
      const before = (await issue({ username: 'Jane doe' }).expect(201)).body.ticket;
      const oldKid = decodeProtectedHeader(before).kid;
      const rotated = await keys.rotate();
      expect(rotated.kid).not.toBe(oldKid);
      const jwks = (await t.http.get('/.well-known/jwks.json').expect(200)).body.keys.map((k: { kid: string }) => k.kid);
      expect(jwks).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
      const after = (await issue({ username: 'Jane doe' }).expect(201)).body.ticket;
      expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
      // Both verify against the published set alone, as a wiki holding a cached JWKS would do.
      await independentlyVerified(t, before, { typ: SSO_TICKET_TYP, audience: 'wiki-a' });
      await independentlyVerified(t, after, { typ: SSO_TICKET_TYP, audience: 'wiki-a' });
      await redeem(before).expect(200);
      await redeem(after).expect(200);
    });
  });

  describe('POST /v1/sso/logout', () => {
    it('sends every registered wiki a signed logout token for the user', async () => {
      const wiki = await fakeWiki(204);
      const down = await fakeWiki(500);
      await wikis.add('wiki-a', wiki.url, wikiClient);
      await wikis.add('wiki-down', down.url, wikiClient);
      try {
        const res = await t.http.post('/v1/sso/logout').set(bearer(t.secrets['sso:issue'])).send({ username: 'jane_doe' }).expect(200);
        expect(validate('sso-logout-response', res.body)).toEqual([]);
        expect(res.body.results).toEqual([
          { wiki: 'wiki-a', status: 'ok', httpStatus: 204 },
          { wiki: 'wiki-down', status: 'failed', httpStatus: 500, retrying: true },
        ]);
        expect(wiki.received).toHaveLength(1);
        const claims = await independentlyVerified(t, wiki.received[0], { typ: SSO_LOGOUT_TYP, audience: 'wiki-a' });
        expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(60);
        expect(validate('sso-logout-token-claims', claims)).toEqual([]);
        expect(claims.sub).toBe('Jane doe');
        // The wiki acts on the account linked to the website's id, never on the name.
        const jane = await t.accounts.get('Jane doe');
        expect(readBackChannelClaims(claims)).toEqual({ uid: jane.id, sub: 'Jane doe', endSessions: true, state: null, seq: null });
        // A logout token is never accepted as a login ticket.
        expect((await redeem(wiki.received[0]).expect(400)).body.code).toBe('TICKET_INVALID');
      } finally {
        wiki.server.close();
        down.server.close();
        await wikis.remove('wiki-down');
        await wikis.add('wiki-a', 'http://127.0.0.1:9/w', wikiClient);
      }
    });

    it('reports a wiki that does not answer as failed', async () => {
      const res = await t.http.post('/v1/sso/logout').set(bearer(t.secrets['sso:issue'])).send({ username: 'Jane doe' }).expect(200);
      expect(res.body.results).toEqual([{ wiki: 'wiki-a', status: 'failed', httpStatus: null, retrying: true }]);
    });

    it('answers USER_NOT_FOUND for a user who does not exist', async () => {
      expect((await t.http.post('/v1/sso/logout').set(bearer(t.secrets['sso:issue'])).send({ username: 'Nobody here' }).expect(404)).body.code).toBe('USER_NOT_FOUND');
    });

    it('needs sso:issue and a valid name', async () => {
      expect((await t.http.post('/v1/sso/logout').set(bearer(t.secrets['sso:redeem'])).send({ username: 'Jane doe' })).body.code).toBe('FORBIDDEN');
      expect((await t.http.post('/v1/sso/logout').set(bearer(t.secrets['sso:issue'])).send({ username: 'a|b' })).body.code).toBe('INVALID_USERNAME');
    });
  });

  it('never logs a ticket', async () => {
    const { ticket } = (await issue({ username: 'Jane doe' }).expect(201)).body;
    await redeem(ticket).expect(200);
    const all = t.logs.join('\n');
    expect(all).not.toContain(ticket.split('.')[2]);
  });
});
