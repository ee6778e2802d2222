import { ACCOUNT_CHANGES, ACCOUNT_STATES, SSO_ACCOUNT_EVENT, SSO_LOGOUT_EVENT, type AccountChange, type AccountState } from '@authbridge/contract';
import { TicketRejected } from './jws';

/** What a wiki does with a verified back-channel token (SPEC.md, "The account's life follows the website"). */
export interface BackChannelAction {
  uid: string;
  sub: string;
  /** End the sessions, remember-me tokens and bot passwords of the account linked to `uid`. */
  endSessions: boolean;
  /** The website state to record, when the token carries a change this verifier knows. */
  state: AccountState | null;
  seq: number | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the verified claims of a back-channel token as the wiki must (the PHP twin is
 * Lifecycle\BackChannelToken); the API uses it to test what it sends, the vectors pin both.
 */
export function readBackChannelClaims(claims: Record<string, unknown>): BackChannelAction {
  const invalid = (reason: string) => new TicketRejected('TICKET_INVALID', reason);
  const { uid, sub, events } = claims;
  if (typeof uid !== 'string' || uid === '' || uid.length > 64) throw invalid('no usable uid');
  if (typeof sub !== 'string' || sub === '') throw invalid('no subject');
  if (!isObject(events) || !isObject(events[SSO_LOGOUT_EVENT])) throw invalid('not a back-channel logout event');
  const account = events[SSO_ACCOUNT_EVENT];
  if (account === undefined) return { uid, sub, endSessions: true, state: null, seq: null };
  if (!isObject(account)) throw invalid('the account event is not an object');
  const { change, state, seq } = account;
  if (typeof change !== 'string' || change === '') throw invalid('the account event names no change');
  if (typeof state !== 'string' || !(ACCOUNT_STATES as readonly string[]).includes(state)) throw invalid('unknown account state');
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw invalid('seq is not a positive integer');
  // A change from a newer contract: end the sessions (the safe side) but record nothing.
  if (!(ACCOUNT_CHANGES as readonly string[]).includes(change)) return { uid, sub, endSessions: true, state: null, seq: null };
  return { uid, sub, endSessions: (change as AccountChange) !== 'enabled', state: state as AccountState, seq };
}
