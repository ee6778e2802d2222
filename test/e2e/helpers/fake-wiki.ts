import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBackChannelClaims, verifyJws, type BackChannelAction } from '@authbridge/accounts';
import { SSO_LOGOUT_TYP } from '@authbridge/contract';

export interface ReceivedToken extends BackChannelAction {
  jti: string;
  claims: Record<string, unknown>;
  at: number;
}

/**
 * A stand-in wiki REST endpoint for the back channel: verifies every token against the API's
 * JWKS as the wiki does, records what it would do, and answers `status` (change it to play a
 * wiki that is down).
 */
export interface FakeWiki {
  url: string;
  received: ReceivedToken[];
  /** Requests that were refused by `status` (down) or failed verification. */
  refused: number;
  /** The jti of every token refused while down (read without verifying). */
  refusedJtis: string[];
  status: number;
  close(): Promise<void>;
  /** The first `count` tokens received (about `uid` only, when given: tests sharing a wiki stay apart). */
  waitFor(count: number, timeoutMs?: number, uid?: string): Promise<ReceivedToken[]>;
  /** What was heard about one website user. */
  about(uid: string): ReceivedToken[];
}

/** `jwks` fetches the API's key set (GET /.well-known/jwks.json, or SsoKeys.jwks() in-process). */
export async function startFakeWiki(options: { jwks: () => Promise<{ keys: Array<{ kid: string; x: string }> }>; issuer: string; wikiId: string; status?: number }): Promise<FakeWiki> {
  const wiki: FakeWiki = {
    url: '',
    received: [],
    refused: 0,
    refusedJtis: [],
    status: options.status ?? 204,
    close: () => new Promise((done) => server.close(() => done())),
    about: (uid) => wiki.received.filter((r) => r.uid === uid),
    async waitFor(count, timeoutMs = 10000, uid) {
      const heard = () => (uid === undefined ? wiki.received : wiki.about(uid));
      const deadline = Date.now() + timeoutMs;
      while (heard().length < count) {
        if (Date.now() > deadline) throw new Error(`the wiki heard ${heard().length} of ${count} tokens`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return heard();
    },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url !== '/w/rest.php/authbridge/v1/logout') {
        res.statusCode = 404;
        return res.end();
      }
      if (wiki.status < 200 || wiki.status >= 300) {
        wiki.refused++;
        try {
          wiki.refusedJtis.push(JSON.parse(Buffer.from(JSON.parse(body).logoutToken.split('.')[1], 'base64url').toString()).jti);
        } catch {
          // not a token at all
        }
        res.statusCode = wiki.status;
        return res.end();
      }
      try {
        const jwks = await options.jwks();
        const claims = await verifyJws(JSON.parse(body).logoutToken, {
          keys: new Map(jwks.keys.map((k) => [k.kid, k.x])), typ: SSO_LOGOUT_TYP, issuer: options.issuer, audience: options.wikiId,
          now: Math.floor(Date.now() / 1000), leeway: 5, maxLifetime: 60,
        });
        wiki.received.push({ ...readBackChannelClaims(claims), jti: claims.jti as string, claims, at: Date.now() });
        res.statusCode = wiki.status;
      } catch {
        wiki.refused++;
        res.statusCode = 400;
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  wiki.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/w`;
  return wiki;
}
