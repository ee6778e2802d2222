import {
  SSO_ACCOUNT_EVENT,
  SSO_JWKS_MAX_AGE_SECONDS,
  SSO_LEEWAY_SECONDS,
  SSO_LOGOUT_EVENT,
  SSO_MAX_TICKET_TTL_SECONDS,
} from './generated/constants';
import type { UserJson } from './types';


export interface SsoTicketClaims {
  iss: string;
  /** The wiki's id ($wgAuthBridgeWikiId). */
  aud: string;
  /** Canonical MediaWiki user name. */
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  remember: boolean;
  /** A page title of the wiki (never a URL); absent when the caller gave none. */
  returnTo?: string;
  /**
   * The browser binding the wiki handed to the website (SPEC.md, "Binding a ticket to the
   * browser"): base64url SHA-256 of the nonce in the wiki's cookie. Absent when the caller gave none.
   */
  nonce?: string;
}

export interface IssueTicketRequest {
  /** The user: a wiki name; with a user source also the website's login name or email. Exactly one of this and websiteUserId. */
  username?: string;
  /** With a user source: the website's own id of the user (its users table's id). */
  websiteUserId?: string;
  returnTo?: string;
  remember?: boolean;
  /** The wiki's id; may be left out when exactly one wiki is registered. */
  audience?: string;
  /** The `nonce` query parameter the wiki sent the browser to the website with; copied into the claims. */
  nonce?: string;
}

export interface IssueTicketResponse {
  ticket: string;
  expiresAt: string;
  /** Special:AuthBridgeLogin of the wiki, with the ticket; send the browser there. */
  loginUrl: string;
}

export interface RedeemTicketRequest {
  ticket: string;
}

export interface RedeemTicketResponse {
  user: UserJson;
  remember: boolean;
  returnTo: string | null;
  audience: string;
}

export interface SsoLogoutRequest {
  username: string;
}

export interface SsoLogoutResult {
  wiki: string;
  /** `ok`: the wiki answered 2xx; `failed`: anything else (see httpStatus), retried with backoff. */
  status: 'ok' | 'failed';
  httpStatus: number | null;
  /** True when a failed delivery will be tried again (SPEC.md, "Delivery"). */
  retrying?: boolean;
}

export interface SsoLogoutResponse {
  results: SsoLogoutResult[];
}

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface JwkSet {
  keys: Jwk[];
}

/** What happened to the website account; `enabled` is the only change after which the wiki keeps the sessions. */
export const ACCOUNT_CHANGES = ['disabled', 'enabled', 'deleted', 'password'] as const;
export type AccountChange = (typeof ACCOUNT_CHANGES)[number];
/** The account's state right after the change. */
export const ACCOUNT_STATES = ['active', 'disabled', 'deleted'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface AccountEventClaim {
  change: AccountChange;
  state: AccountState;
  /**
   * Increases with every change the store records (across all users); the wiki applies a state
   * only when its `seq` is above the last one it applied for that user, so late retries never
   * undo a newer change.
   */
  seq: number;
}

export interface SsoLogoutTokenClaims {
  iss: string;
  aud: string;
  /** The user's canonical name now (for logs; the wiki finds the account by `uid`). */
  sub: string;
  /** The website's stable user id (the user object's `id`): the wiki ends sessions only of the account linked to it. */
  uid: string;
  jti: string;
  iat: number;
  exp: number;
  events: { [SSO_LOGOUT_EVENT]: Record<string, never>; [SSO_ACCOUNT_EVENT]?: AccountEventClaim };
}

/**
 * How long a retired signing key stays in /.well-known/jwks.json: a ticket signed just before
 * the rotation lives at most SSO_MAX_TICKET_TTL_SECONDS, plus the leeway.
 */
export const SSO_RETIRED_KEY_PUBLISHED_SECONDS = SSO_MAX_TICKET_TTL_SECONDS + SSO_LEEWAY_SECONDS;
/**
 * How long anyone (the wiki, an HTTP cache) may keep the key set: the JWKS answer's max-age, and
 * the wiki's cache lifetime. A retired key therefore verifies nowhere later than
 * SSO_KEY_ROTATION_WINDOW_SECONDS after `sso keys rotate`.
 */
export const SSO_KEY_ROTATION_WINDOW_SECONDS = SSO_RETIRED_KEY_PUBLISHED_SECONDS + SSO_JWKS_MAX_AGE_SECONDS;
