import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertStorableText } from '../domain/text/storable-text.js';

/** Where a request carries text, in the order it is reported. */
const LOCATIONS = ['params', 'query', 'body'] as const satisfies ReadonlyArray<keyof FastifyRequest>;

/**
 * One rule for every route (docs/security.md "Text"): a path parameter, query parameter or JSON
 * body holding a NUL character or an unpaired UTF-16 surrogate anywhere — a value, a key, at any
 * depth — is refused with 400 `INVALID_TEXT` before validation, before the route's own hooks and
 * handler, so it never reaches the database nor Stripe. A raw body (the Stripe webhook's Buffer)
 * is not text: that route checks the event it verified (`routes/stripe-webhooks.ts`).
 *
 * A `preValidation` hook on the root instance: call it before registering routes (every scope
 * inherits it, and app-level hooks run before route-level ones such as `requireRoles`).
 */
export function registerStorableTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const location of LOCATIONS) assertStorableText(request[location], location);
  });
}
