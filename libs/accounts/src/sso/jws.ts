import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { SSO_ALG, SSO_JTI_PATTERN, SSO_TOKEN_MAX_LENGTH, type Jwk } from '@authbridge/contract';

/**
 * Compact JWS with Ed25519 only. A few lines on node:crypto instead of a JWT library: the
 * algorithm is pinned (the header's `alg` is compared, never used to pick a verifier), which
 * rules out `alg: none` and HS256-with-the-public-key by construction, and PHP verifies the
 * same bytes with sodium_crypto_sign_verify_detached.
 */

export type TicketFailure = 'TICKET_INVALID' | 'TICKET_EXPIRED';

export class TicketRejected extends Error {
  constructor(readonly code: TicketFailure, readonly reason: string) {
    super(reason);
    this.name = 'TicketRejected';
  }
}

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function fromB64url(part: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new TicketRejected('TICKET_INVALID', 'not base64url');
  return Buffer.from(part, 'base64url');
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function publicKeyFromX(x: string): KeyObject {
  const raw = Buffer.from(x, 'base64url');
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

export function signJws(header: { typ: string; kid: string }, claims: object, privateKey: KeyObject): string {
  const input = `${b64url(JSON.stringify({ alg: SSO_ALG, typ: header.typ, kid: header.kid }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign(null, Buffer.from(input), privateKey))}`;
}

export interface VerifyOptions {
  /** kid → Ed25519 public key (JWK `x`). */
  keys: ReadonlyMap<string, string>;
  typ: string;
  issuer: string;
  /** The wiki's id, or a predicate for the API, which serves every registered wiki. */
  audience: string | ((aud: string) => boolean);
  /** Seconds since the epoch. */
  now: number;
  leeway: number;
  maxLifetime: number;
}

const MAX_TOKEN_LENGTH = SSO_TOKEN_MAX_LENGTH;

function parseJsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(fromB64url(part).toString('utf8'));
  } catch {
    throw new TicketRejected('TICKET_INVALID', 'a part is not JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TicketRejected('TICKET_INVALID', 'a part is not a JSON object');
  return value as Record<string, unknown>;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Signature first, then claims; throws TicketRejected with the reason (for logs, not for people). */
export function verifyJws(token: string, options: VerifyOptions): Record<string, unknown> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TicketRejected('TICKET_INVALID', 'too long');
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) throw new TicketRejected('TICKET_INVALID', 'not a compact JWS');
  const header = parseJsonObject(parts[0]);
  if (header.alg !== SSO_ALG) throw new TicketRejected('TICKET_INVALID', 'algorithm is not EdDSA');
  if (header.typ !== options.typ) throw new TicketRejected('TICKET_INVALID', `typ is not ${options.typ}`);
  if (header.crit !== undefined) throw new TicketRejected('TICKET_INVALID', 'crit is not supported');
  const x = typeof header.kid === 'string' ? options.keys.get(header.kid) : undefined;
  if (!x) throw new TicketRejected('TICKET_INVALID', 'unknown kid');
  const signature = fromB64url(parts[2]);
  if (signature.length !== 64 || !verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), publicKeyFromX(x), signature)) {
    throw new TicketRejected('TICKET_INVALID', 'bad signature');
  }
  const claims = parseJsonObject(parts[1]);
  if (claims.iss !== options.issuer) throw new TicketRejected('TICKET_INVALID', 'wrong issuer');
  const aud = claims.aud;
  const audienceOk = typeof aud === 'string' && (typeof options.audience === 'string' ? aud === options.audience : options.audience(aud));
  if (!audienceOk) throw new TicketRejected('TICKET_INVALID', 'wrong audience');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new TicketRejected('TICKET_INVALID', 'no subject');
  if (typeof claims.jti !== 'string' || !SSO_JTI_PATTERN.test(claims.jti)) throw new TicketRejected('TICKET_INVALID', 'no usable jti');
  const { iat, exp, nbf } = claims;
  if (!isInt(iat) || !isInt(exp)) throw new TicketRejected('TICKET_INVALID', 'iat or exp missing');
  if (nbf !== undefined && !isInt(nbf)) throw new TicketRejected('TICKET_INVALID', 'nbf is not a number');
  if (exp - iat > options.maxLifetime || exp <= iat) throw new TicketRejected('TICKET_INVALID', 'lifetime out of bounds');
  if (iat > options.now + options.leeway || (isInt(nbf) && nbf > options.now + options.leeway)) {
    throw new TicketRejected('TICKET_INVALID', 'not valid yet');
  }
  if (exp <= options.now - options.leeway) throw new TicketRejected('TICKET_EXPIRED', 'expired');
  return claims;
}
