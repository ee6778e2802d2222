import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SSO_LOGOUT_TYP } from '@authbridge/contract';
import { readBackChannelClaims } from './back-channel';
import { TicketRejected, verifyJws } from './jws';

interface AccountVector {
  name: string;
  token: string;
  'expect-fail'?: boolean;
  code?: string;
  expect?: Record<string, unknown>;
}

const file = JSON.parse(readFileSync(resolve('mediawiki-extension-contract/vectors/sso-account-events.json'), 'utf8')) as {
  clock: number;
  context: { issuer: string; audience: string; leewaySeconds: number; maxLifetimeSeconds: number; jwks: { keys: Array<{ kid: string; x: string }> } };
  vectors: AccountVector[];
};

describe('vectors/sso-account-events.json (back-channel tokens, fixed keys and clock)', () => {
  const keys = new Map(file.context.jwks.keys.map((k) => [k.kid, k.x]));
  const { issuer, audience, leewaySeconds: leeway, maxLifetimeSeconds: maxLifetime } = file.context;

  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const read = async () => readBackChannelClaims(await verifyJws(v.token, { keys, typ: SSO_LOGOUT_TYP, issuer, audience, now: file.clock, leeway, maxLifetime }));
    if (v['expect-fail']) {
      const error = await read().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(TicketRejected);
      expect((error as TicketRejected).code).toBe(v.code);
    } else {
      expect(await read()).toEqual(v.expect);
    }
  });
});
