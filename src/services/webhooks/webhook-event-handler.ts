import type { DbExecutor } from '../../db/database.js';
import type { ServiceContext } from '../context.js';
import type { WebhookEvent } from './webhook-event.js';

/** What a handler made of an event: applied, or deliberately left alone (with why). */
export type WebhookHandlerOutcome = { status: 'completed' } | { status: 'ignored'; reason: string };

/**
 * Handles one Stripe event type. `handle` runs inside the ingestion transaction (a retry: in a
 * savepoint; either way, if it throws, its writes are rolled back and the event is recorded as
 * `failed`), so it must only touch the database through `tx` and must be idempotent — a failed
 * event is run again (on receipt, a concurrent copy may even run it right after a failure), and
 * Stripe may send two events about one object. Stripe reads the handler needs (an object the
 * event does not carry in full) go in `prepare`, which runs before the transaction opens: no
 * network call ever holds a transaction open (on embedded PGlite that would stall every writer).
 *
 * @example
 * export const chargeRefundedHandler = defineWebhookHandler({
 *   async handle(tx, event, _prepared, context) {
 *     const charge = chargeSchema.parse(event.data.object);
 *     // … find the payment, write the refund, its ledger entry, audit event and outbox message
 *     return { status: 'completed' };
 *   },
 * });
 */
export interface WebhookEventHandler<Prepared = undefined> {
  prepare?(event: WebhookEvent, context: ServiceContext): Promise<Prepared>;
  handle(tx: DbExecutor, event: WebhookEvent, prepared: Prepared, context: ServiceContext): Promise<WebhookHandlerOutcome>;
}

/** A handler as the registry holds it, whatever it prepares. */
export type RegisteredWebhookHandler = WebhookEventHandler<unknown>;

/** Type-checks a handler against its own `Prepared` type, then erases it for the registry. */
export function defineWebhookHandler<Prepared = undefined>(handler: WebhookEventHandler<Prepared>): RegisteredWebhookHandler {
  return handler as unknown as RegisteredWebhookHandler;
}
