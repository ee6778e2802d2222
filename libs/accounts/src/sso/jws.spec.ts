import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { SSO_TICKET_TYP } from '@authbridge/contract';
import { fromB64url, isStrictBase64url, publicKeyFromX, publicXOf, signJws, TicketRejected, verifyJws } from './jws';

// The vectors cover the contract; these cover what jose would allow unless told otherwise.
describe('verifyJws (jose, pinned options)', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const keys = new Map([['k1', publicXOf(privateKey)]]);
  const now = 1_800_000_000;
  const claims = { iss: 'https://id.example', aud: 'wiki-a', sub: 'Jane Doe', jti: 'abcdefghijklmnop1234', iat: now, nbf: now, exp: now + 30 };
  const options = { keys, typ: SSO_TICKET_TYP, issuer: 'https://id.example', audience: 'wiki-a', now, leeway: 5, maxLifetime: 60 };
  const codeOf = (token: Promise<unknown>) => token.then(() => 'OK', (e: unknown) => (e instanceof TicketRejected ? e.code : String(e)));

  it('reads back what signJws signed', async () => {
    expect(await verifyJws(await signJws({ typ: SSO_TICKET_TYP, kid: 'k1' }, claims, privateKey), options)).toEqual(claims);
  });

  it.each([['AUTHBRIDGE-TICKET+JWT'], [`application/${SSO_TICKET_TYP}`]])('refuses typ %s, which jose would normalise to the right one', async (typ) => {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ, kid: 'k1' }).sign(privateKey);
    expect(await codeOf(verifyJws(token, options))).toBe('TICKET_INVALID');
  });

  it('refuses a token without kid even when one key is published', async () => {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: SSO_TICKET_TYP }).sign(privateKey);
    expect(await codeOf(verifyJws(token, options))).toBe('TICKET_INVALID');
  });

  it('says TICKET_EXPIRED only for a past exp, TICKET_INVALID for an iat older than the max age', async () => {
    const expired = await signJws({ typ: SSO_TICKET_TYP, kid: 'k1' }, { ...claims, iat: now - 40, nbf: now - 40, exp: now - 10 }, privateKey);
    expect(await codeOf(verifyJws(expired, options))).toBe('TICKET_EXPIRED');
    const old = await signJws({ typ: SSO_TICKET_TYP, kid: 'k1' }, { ...claims, iat: now - 120, nbf: now - 120, exp: now + 30 }, privateKey);
    expect(await codeOf(verifyJws(old, options))).toBe('TICKET_INVALID');
  });

  it('refuses a fractional date', async () => {
    const token = await signJws({ typ: SSO_TICKET_TYP, kid: 'k1' }, { ...claims, exp: now + 30.5 }, privateKey);
    expect(await codeOf(verifyJws(token, options))).toBe('TICKET_INVALID');
  });
});

describe('strict RFC 7515 base64url', () => {
  it.each([
    ['', true],
    ['QQ', true], // "A"
    ['QR', false], // "A" with non-zero pad bits
    ['QUI', true], // "AB"
    ['QUJ', false],
    ['QUJD', true],
    ['QUJDR', false], // a 4n+1 length no byte string has
    ['QQ==', false], // padding
    ['Q+/Q', false], // the standard alphabet
    ['QU J', false],
  ])('%j is strict base64url: %s', (text, strict) => {
    expect(isStrictBase64url(text)).toBe(strict);
    if (!strict) expect(() => fromB64url(text)).toThrow(TypeError);
  });

  it('refuses a JWKS x with non-zero pad bits', () => {
    const x = publicXOf(generateKeyPairSync('ed25519').privateKey);
    expect(() => publicKeyFromX(x)).not.toThrow();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    expect(() => publicKeyFromX(x.slice(0, -1) + alphabet[alphabet.indexOf(x[x.length - 1]) | 1])).toThrow(TypeError);
  });
});
