import type { DbExecutor } from '../../db/database.js';
import type { ServiceContext } from '../context.js';
import type { ReceivedEventRow } from '../payments/record-payment.js';
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
  /**
   * Before the transaction: Stripe calls, and reads of the database through `db` (outside any
   * transaction: a snapshot that `handle` must re-check under its locks) when what to ask Stripe
   * depends on our state — e.g. whether a failed bank payout must be reversed.
   */
  prepare?(event: WebhookEvent, context: ServiceContext, db: DbExecutor): Promise<Prepared>;
  handle(tx: DbExecutor, event: WebhookEvent, prepared: Prepared, context: ServiceContext): Promise<WebhookHandlerOutcome>;
  /**
   * Optional, for a hot event type whose handler needs no `prepare`: the receipt of the event on
   * its happy path in ONE statement — the event row (stored `completed`, or a duplicate counted)
   * and `handle`'s effects together, atomically (e.g. a SQL function). Answers `completed` or
   * `duplicate`; or undefined when the event is off its happy path, having written nothing, and
   * the general path (the transaction running `handle`) takes it from there. It must leave exactly
   * the rows that path would.
   */
  receive?(db: DbExecutor, event: WebhookEvent, row: ReceivedEventRow, context: ServiceContext): Promise<'completed' | 'duplicate' | undefined>;
}

/** A handler as the registry holds it, whatever it prepares. */
export type RegisteredWebhookHandler = WebhookEventHandler<unknown>;

/** Type-checks a handler against its own `Prepared` type, then erases it for the registry. */
export function defineWebhookHandler<Prepared = undefined>(handler: WebhookEventHandler<Prepared>): RegisteredWebhookHandler {
  return handler as unknown as RegisteredWebhookHandler;
}
