import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** The request a log line is written for; read by the logger, so services need not pass it. */
export const requestContext = new AsyncLocalStorage<{ reqId: string }>();

/**
 * An id the caller chose (the wiki sends MediaWiki's own request id) is kept when it is short and
 * plain, so it can be pasted into a log search and cannot forge log structure; anything else
 * gets a fresh UUID. Mirrors the contract's `requestId` (SPEC.md, "Request ids").
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._@:-]{1,128}$/;

export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** Runs the rest of the request inside its context (after the request logger gave it `id`). */
export function withRequestContext(request: Request, _response: Response, next: NextFunction): void {
  requestContext.run({ reqId: String((request as Request & { id: unknown }).id) }, next);
}
