import type { Request } from 'express';
import type { Actor, AuthenticatedClient, Caller } from '@authbridge/accounts';
import { normalizeIp } from '@authbridge/accounts';

type ClientRequest = Request & { client?: AuthenticatedClient };

/**
 * The TCP peer, never X-Forwarded-For: a header is the caller's claim, and only clients allowed
 * to forward the end user's address may make that claim (in `context.ip`).
 */
function socketAddress(request: Request): string | undefined {
  const peer = request.socket.remoteAddress;
  return peer === undefined ? undefined : normalizeIp(peer) ?? peer;
}

/** The calling client, as the password check sees it. */
export function callerOf(request: ClientRequest): Caller {
  return { clientId: request.client?.id ?? null, forwardsEndUserAddress: request.client?.forwardsEndUserAddress ?? false, socketAddress: socketAddress(request) };
}

/** The calling client, as the audit log records an administrative change. */
export function actorOf(request: ClientRequest): Actor {
  return { clientId: request.client?.id ?? null, address: socketAddress(request) };
}
