import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header that carries a request's id in and out (set by a proxy or the caller; echoed in every reply). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, no spaces, short: ids from proxies and tracing systems pass; anything else is replaced. */
const SANE_REQUEST_ID = /^[\w.:;=/+@-]{1,128}$/;

/**
 * The id of a request: the caller's `x-request-id` when it is a sane string, else a new UUID.
 * Honouring the caller's id lets one id follow a request through a proxy, this service and its logs.
 */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
