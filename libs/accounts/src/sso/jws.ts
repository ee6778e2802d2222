import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { SSO_ALG, SSO_JTI_PATTERN, SSO_TOKEN_MAX_LENGTH, type Jwk } from '@authbridge/contract';

/**
 * Compact JWS with Ed25519 only, through jose (@nestjs/jwt sits on jsonwebtoken, which has no
 * EdDSA). The algorithm is pinned in jose's `algorithms`, never taken from the header, which
 * rules out `alg: none` and HS256-with-the-public-key; typ, iss, aud, clock tolerance and max age
 * are jose's options. The rules jose has no option for (one-string aud, integer dates, a bounded
 * lifetime, a usable jti) are checked after it, on claims whose signature it has verified.
 */

export type TicketFailure = 'TICKET_INVALID' | 'TICKET_EXPIRED';

export class TicketRejected extends Error {
  constructor(readonly code: TicketFailure, readonly reason: string) {
    super(reason);
    this.name = 'TicketRejected';
  }
}

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Whether `text` is base64url exactly as RFC 7515 writes it: the URL-safe alphabet, no padding,
 * no length that no byte string has (4n+1), and zero unused bits in the last character. Node's
 * decoder ignores all of that, so "…Q" and "…R" would decode to the same signature: one token
 * would have several spellings. Re-encoding what was decoded must give the text back.
 */
export function isStrictBase64url(text: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(text) && text.length % 4 !== 1 && Buffer.from(text, 'base64url').toString('base64url') === text;
}

/** Strict RFC 7515 base64url to bytes; anything else is an error. */
export function fromB64url(text: string): Buffer {
  if (!isStrictBase64url(text)) throw new TypeError('not base64url (RFC 7515)');
  return Buffer.from(text, 'base64url');
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function publicKeyFromX(x: string): KeyObject {
  const raw = fromB64url(x);
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** A private key from a 32-byte seed: how the test vectors get a fixed key. */
export function privateKeyFromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicXOf(privateKey: KeyObject): string {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return b64url(der.subarray(ED25519_SPKI_PREFIX.length));
}

export function toJwk(kid: string, x: string): Jwk {
  return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
}

/** Signs `claims` as they are (no claim added), with the header {alg, typ, kid} in that order. */
export function signJws(header: { typ: string; kid: string }, claims: object, privateKey: KeyObject): Promise<string> {
  return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: SSO_ALG, typ: header.typ, kid: header.kid }).sign(privateKey);
}

export interface VerifyOptions {
  /** kid → Ed25519 public key (JWK `x`). */
  keys: ReadonlyMap<string, string>;
  typ: string;
  issuer: string;
  /** The wiki's id, or every registered wiki's id for the API, which serves them all. */
  audience: string | readonly string[];
  /** Seconds since the epoch. */
  now: number;
  leeway: number;
  maxLifetime: number;
}

const MAX_TOKEN_LENGTH = SSO_TOKEN_MAX_LENGTH;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Imported keys by `x`: importing is the costly part of a verification, and keys rarely change. */
const publicKeys = new Map<string, KeyObject>();
function cachedPublicKey(x: string): KeyObject {
  let key = publicKeys.get(x);
  if (!key) {
    if (publicKeys.size >= 32) publicKeys.clear();
    key = publicKeyFromX(x);
    publicKeys.set(x, key);
  }
  return key;
}

/** Signature first, then claims; throws TicketRejected with the reason (for logs, not for people). */
export async function verifyJws(token: string, options: VerifyOptions): Promise<Record<string, unknown>> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TicketRejected('TICKET_INVALID', 'too long');
  if (!COMPACT_JWS.test(token)) throw new TicketRejected('TICKET_INVALID', 'not a compact JWS');
  // jose decodes leniently (Node's Buffer): refuse non-canonical parts before it sees them.
  if (!token.split('.').every(isStrictBase64url)) throw new TicketRejected('TICKET_INVALID', 'not strict base64url (RFC 7515)');
  let claims: JWTPayload;
  let header: JWTHeaderParameters;
  try {
    ({ payload: claims, protectedHeader: header } = await jwtVerify(
      token,
      (protectedHeader) => {
        // Only a published kid: no "the only key" fallback for a header without one.
        const x = typeof protectedHeader.kid === 'string' ? options.keys.get(protectedHeader.kid) : undefined;
        if (!x) throw new TicketRejected('TICKET_INVALID', 'unknown kid');
        return cachedPublicKey(x);
      },
      {
        algorithms: [SSO_ALG],
        typ: options.typ,
        issuer: options.issuer,
        audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
        clockTolerance: options.leeway,
        maxTokenAge: options.maxLifetime,
        currentDate: new Date(options.now * 1000),
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      },
    ));
  } catch (error) {
    if (error instanceof TicketRejected) throw error;
    if (error instanceof errors.JWTExpired) {
      // jose says "expired" also for an iat older than maxTokenAge; only a past exp is TICKET_EXPIRED.
      throw new TicketRejected(error.claim === 'exp' ? 'TICKET_EXPIRED' : 'TICKET_INVALID', error.message);
    }
    if (error instanceof errors.JOSEError) throw new TicketRejected('TICKET_INVALID', `${error.code}: ${error.message}`);
    // jose throws TypeError for a key or input it cannot use: still a refused token, not a 500.
    if (error instanceof TypeError) throw new TicketRejected('TICKET_INVALID', error.message);
    throw error;
  }
  // jose normalises typ (case, an "application/" prefix); the contract names one exact value.
  if (header.typ !== options.typ) throw new TicketRejected('TICKET_INVALID', `typ is not ${options.typ}`);
  if (typeof claims.aud !== 'string') throw new TicketRejected('TICKET_INVALID', 'wrong audience');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new TicketRejected('TICKET_INVALID', 'no subject');
  if (typeof claims.jti !== 'string' || !SSO_JTI_PATTERN.test(claims.jti)) throw new TicketRejected('TICKET_INVALID', 'no usable jti');
  const { iat, exp, nbf } = claims;
  if (!isInt(iat) || !isInt(exp) || (nbf !== undefined && !isInt(nbf))) throw new TicketRejected('TICKET_INVALID', 'a date is not an integer');
  if (exp - iat > options.maxLifetime || exp <= iat) throw new TicketRejected('TICKET_INVALID', 'lifetime out of bounds');
  return claims as Record<string, unknown>;
}
