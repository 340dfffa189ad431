import { eq, or, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { DbExecutor } from '../../db/database.js';
import { StatementBatcher } from '../../db/statement-batcher.js';
import { creators, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import { MAX_AMOUNT_MINOR, normalizeCurrency } from '../../domain/money/index.js';
import { payoutReleaseDate } from '../../domain/payments/release-date.js';
import { splitFee } from '../../domain/payments/split-fee.js';
import { creatorAccount, platformAccount, post, type LedgerAccount } from '../../ledger/index.js';
import { ledgerPostStatement, translateLedgerError } from '../../ledger/post-entry.js';
import { auditEventInsert } from '../audit/record-audit-event.js';
import { outboxMessageInsert } from '../outbox/enqueue-message.js';
import type { Actor, ServiceContext } from '../context.js';

export interface RecordPaymentInput {
  creatorId: string;
  /** What makes the payment unique: the payment intent id, or the host platform's id. */
  externalId: string;
  bookingId?: string | null;
  amount: bigint;
  currency: string;
  paidAt: Date;
  stripePaymentIntentId?: string | null;
  stripeChargeId?: string | null;
  stripeCheckoutSessionId?: string | null;
  customerEmail?: string | null;
  /** A destination charge: Stripe already sent the creator's share to their account. */
  transferredAtSource?: boolean;
  metadata?: Record<string, string>;
  actor: Actor;
}

export type Payment = typeof payments.$inferSelect;

/** A webhook event's row as it is stored on receipt (`webhook_events`): the payload is the verified event. */
export interface ReceivedEventRow {
  id: string;
  type: string;
  account: string | null;
  payload: unknown;
}

/**
 * The receipt of a payment webhook and the payment it records in ONE statement — one round trip,
 * one (autocommit) transaction: the `webhook_record_payment` SQL function (drizzle/0008) stores
 * the event row `completed` (or counts a duplicate and stops), reads the creator, splits the fee,
 * inserts the payment HELD, posts its ledger entry through `ledger_post`, and writes the audit event
 * and the creator's `payment.received` message: the same rows as `ingestWebhookEvent` running
 * `recordPayment` in its transaction.
 *
 * It only takes the plain case, and declines everything else — it then wrote nothing, and the
 * caller runs the general path, which decides what the event becomes: `db` a transaction (the
 * statement must be its own transaction), a destination charge, no
 * such creator, a payment already recorded for this external id or booking, an input
 * `recordPayment` would refuse, a refusal by the ledger, or any database error (if that error
 * hid a commit, the general path finds the event stored and answers it as a duplicate).
 *
 * Receipts that arrive while another is in the database wait and go together in one statement
 * (`webhook_record_payments`, drizzle/0010; `WEBHOOK_BATCH_SIZE`, `WEBHOOK_BATCH_CONCURRENCY`;
 * docs/webhooks.md "Receipts in groups"): the same rows per event, one commit for the group, and
 * this promise settles after that commit. A group whose statement fails is taken receipt by receipt.
 *
 * @returns `recorded` (event and payment committed), `duplicate` (the event id was stored before:
 *   counted, nothing else done), or undefined (declined, nothing written)
 */
export async function recordPaymentWithEvent(
  db: DbExecutor,
  event: ReceivedEventRow,
  input: RecordPaymentInput,
  context: Pick<ServiceContext, 'config' | 'clock'>,
): Promise<'recorded' | 'duplicate' | undefined> {
  // Its own transaction is the statement's (autocommit): inside a caller's transaction a declined
  // statement would abort it. So only on the database itself — its pg pool, with a constant text:
  // no query building per event.
  const pool = (db as { $client?: Pick<pg.Pool, 'query'> }).$client;
  if (!pool || input.transferredAtSource || input.amount <= 0n || input.amount > MAX_AMOUNT_MINOR) return undefined;
  let currency: string;
  let accounts: string;
  try {
    currency = normalizeCurrency(input.currency);
    // The accounts of recordPayment's entry, in the function's order: cash, creator held, fees.
    const entryAccounts = [platformAccount('stripe_balance', currency), creatorAccount(input.creatorId, 'held', currency), platformAccount('fees', currency)];
    // The function rebuilds validateEntry's content hash with the postings in the order held, fees, cash.
    const [cash, held, fees] = entryAccounts.map((account) => account.code) as [string, string, string];
    if (!(held < fees && fees < cash)) return undefined;
    accounts = JSON.stringify(entryAccounts.map(accountDefinition));
  } catch {
    return undefined; // an unknown currency or a creator id no account can carry: recordPayment refuses it
  }
  const receipt: Receipt = {
    eventId: event.id,
    values: [
      event.id,
      event.type,
      event.account,
      JSON.stringify(event.payload),
      context.clock.now().toISOString(),
      newId('pay'),
      input.creatorId,
      input.bookingId ?? null,
      input.externalId,
      input.stripePaymentIntentId ?? null,
      input.stripeChargeId ?? null,
      input.stripeCheckoutSessionId ?? null,
      input.amount.toString(),
      currency,
      input.paidAt.toISOString(),
      input.customerEmail ?? null,
      JSON.stringify(input.metadata ?? {}),
      input.actor,
      context.config.platformFeeBps,
      context.config.holdingPeriodHours,
      accounts,
    ],
  };
  const { batchSize, batchConcurrency } = context.config.webhookIngest;
  if (batchSize <= 1) return recordOne(pool, receipt);
  let batcher = receiptBatchers.get(pool);
  if (!batcher) {
    batcher = new StatementBatcher<Receipt, ReceiptOutcome>({
      maxSize: batchSize,
      concurrency: batchConcurrency,
      key: (receipt) => receipt.eventId,
      runMany: (receipts) => recordMany(pool, receipts),
      runOne: (receipt) => recordOne(pool, receipt),
    });
    receiptBatchers.set(pool, batcher);
  }
  return batcher.submit(receipt);
}

type Pool = Pick<pg.Pool, 'query'>;
type ReceiptOutcome = 'recorded' | 'duplicate' | undefined;

/** One receipt: webhook_record_payment's parameters, in order. */
interface Receipt {
  eventId: string;
  values: [string, string, string | null, string, string, string, string, string | null, string, string | null, string | null, string | null, string, string, string, string | null, string, string, number, number, string];
}

/**
 * The receipts that arrive together, per database pool, go in one statement (docs/webhooks.md
 * "Receipts in groups"): the first settings seen for a pool are its settings.
 */
const receiptBatchers = new WeakMap<Pool, StatementBatcher<Receipt, ReceiptOutcome>>();

/** How the receipts on this database's pool were grouped so far (bench/webhook-ingest.ts); undefined before the first. */
export function paymentReceiptGroupStats(db: DbExecutor): Readonly<{ groups: number; items: number; fallbacks: number }> | undefined {
  const pool = (db as { $client?: Pool }).$client;
  return pool ? receiptBatchers.get(pool)?.stats : undefined;
}

/** One receipt alone (webhook_record_payment); any error declines it. */
async function recordOne(pool: Pool, receipt: Receipt): Promise<ReceiptOutcome> {
  try {
    const result = await pool.query<{ recorded: boolean }>(RECORD_PAYMENT_WITH_EVENT, receipt.values);
    return result.rows[0]?.recorded === true ? 'recorded' : 'duplicate';
  } catch {
    return undefined;
  }
}

/**
 * Several receipts in one statement (webhook_record_payments, drizzle/0010): the same rows as
 * webhook_record_payment for each. A declined receipt left nothing; an error (thrown) left nothing
 * for any of them, and the batcher then records each alone.
 */
async function recordMany(pool: Pool, receipts: readonly Receipt[]): Promise<ReceiptOutcome[]> {
  if (receipts.length === 1) return [await recordOne(pool, receipts[0]!)];
  const events = receipts.map(({ values: v }) =>
    // Built as text: the payload, metadata and accounts are JSON already.
    `{"i":${JSON.stringify(v[0])},"t":${JSON.stringify(v[1])},"a":${JSON.stringify(v[2])},"p":${v[3]},"n":"${v[4]}",` +
    `"y":"${v[5]}","c":${JSON.stringify(v[6])},"b":${JSON.stringify(v[7])},"ex":${JSON.stringify(v[8])},` +
    `"pi":${JSON.stringify(v[9])},"ch":${JSON.stringify(v[10])},"cs":${JSON.stringify(v[11])},"m":${v[12]},"u":"${v[13]}",` +
    `"d":"${v[14]}","e":${JSON.stringify(v[15])},"md":${v[16]},"ac":${JSON.stringify(v[17])},"fb":${v[18]},"hh":${v[19]},"k":${v[20]}}`,
  );
  const result = await pool.query<{ event_id: string; outcome: 'recorded' | 'duplicate' | 'declined' }>(RECORD_PAYMENTS_WITH_EVENTS, [`[${events.join(',')}]`]);
  const outcomes = new Map(result.rows.map((row) => [row.event_id, row.outcome]));
  return receipts.map((receipt) => {
    const outcome = outcomes.get(receipt.eventId);
    if (outcome === undefined) throw new Error(`webhook_record_payments gave no outcome for ${receipt.eventId}`);
    return outcome === 'declined' ? undefined : outcome;
  });
}

const RECORD_PAYMENTS_WITH_EVENTS = 'select event_id, outcome from webhook_record_payments($1::jsonb)';

/** The casts of webhook_record_payment's parameters, in order (drizzle/0008_ingest_payment_fn.sql). */
const PARAMETER_TYPES = [
  '::text', '::text', '::text', '::jsonb', '::timestamptz', // the event: id, type, account, payload, now
  '::text', '::text', '::text', '::text', // payment id, creator, booking, external id
  '::text', '::text', '::text', // payment intent, charge, Checkout session
  '::bigint', '::text', '::timestamptz', '::text', '::jsonb', '::text', // amount, currency, paid at, email, metadata, actor
  '::integer', '::integer', '::jsonb', // default fee (bps), default holding (hours), the entry's accounts
];
const RECORD_PAYMENT_WITH_EVENT = `select webhook_record_payment(${PARAMETER_TYPES.map((type, i) => `$${i + 1}${type}`).join(', ')}) as recorded`;

/** An account as ledger_post's postings name it (postingsPayload without the amount). */
function accountDefinition(account: LedgerAccount) {
  return { a: account.code, c: account.currency, s: account.normalSide, n: account.allowNegative, b: account.buckets };
}

/**
 * Record a customer's payment for a booking (seed 000 "Payment Flow" 1–2): the fee split, the
 * HELD status with its release date, the ledger entry (cash in; creator held; fees), an audit
 * event and the creator's notification — all in the caller's transaction. Idempotent: the same
 * `externalId` (or the same booking) returns the payment already recorded, with `created: false`.
 */
export async function recordPayment(
  tx: DbExecutor,
  input: RecordPaymentInput,
  context: Pick<ServiceContext, 'config' | 'clock'>,
): Promise<{ payment: Payment; created: boolean }> {
  // Before anything is read or written (docs/security.md "Amounts and balances"): a Stripe event
  // or a host may name any amount; the ledger's balances stay exact only within the bound.
  if (input.amount > MAX_AMOUNT_MINOR) {
    throw new AppError('AMOUNT_TOO_LARGE', `Payment ${input.externalId}: amounts are at most ${MAX_AMOUNT_MINOR} minor units`, {
      kind: 'invalid',
      details: { param: 'amount', max: MAX_AMOUNT_MINOR.toString() },
    });
  }
  // The happy path is three round trips: the creator, the payment insert, and one statement for
  // the ledger entry + audit event + outbox message. An existing payment (a repeated external id
  // or booking) is not looked up first: the insert's ON CONFLICT finds it, and only then is it read.
  const [creator] = await tx
    .select({ id: creators.id, userId: creators.userId, feeBps: creators.feeBps, holdingPeriodHours: creators.holdingPeriodHours })
    .from(creators)
    .where(eq(creators.id, input.creatorId));
  if (!creator) {
    // A payment recorded before still answers for itself, as it always did, creator or not.
    const existing = await findExisting(tx, input);
    if (existing) return { payment: existing, created: false };
    throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}: the payment ${input.externalId} cannot be recorded`, {
      kind: 'unprocessable',
      details: { creatorId: input.creatorId },
    });
  }
  const currency = normalizeCurrency(input.currency);
  const { feeAmount, creatorAmount } = splitFee(input.amount, creator.feeBps ?? context.config.platformFeeBps);
  const holdingHours = creator.holdingPeriodHours ?? context.config.holdingPeriodHours;
  const now = context.clock.now();
  const status = input.transferredAtSource ? 'PAID' : 'HELD';
  const id = newId('pay');

  const [payment] = await tx
    .insert(payments)
    .values({
      id,
      creatorId: creator.id,
      bookingId: input.bookingId ?? null,
      externalId: input.externalId,
      stripePaymentIntentId: input.stripePaymentIntentId ?? null,
      stripeChargeId: input.stripeChargeId ?? null,
      stripeCheckoutSessionId: input.stripeCheckoutSessionId ?? null,
      amount: input.amount,
      currency,
      feeAmount,
      creatorAmount,
      status,
      transferredAtSource: input.transferredAtSource ?? false,
      customerEmail: input.customerEmail ?? null,
      paidAt: input.paidAt,
      payoutReleaseDate: payoutReleaseDate(input.paidAt, holdingHours),
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!payment) {
    // Recorded before, or by a concurrent copy that won the insert (same external id or booking): it is the payment.
    const winner = await findExisting(tx, input);
    if (!winner) throw new AppError('PAYMENT_CONFLICT', `Payment ${input.externalId} conflicts with another payment`, { kind: 'conflict' });
    return { payment: winner, created: false };
  }

  const cash = platformAccount('stripe_balance', currency);
  const held = creatorAccount(creator.id, 'held', currency);
  const received = ledgerPostStatement({
    key: `payment:${id}:received`,
    kind: 'payment.received',
    effectiveAt: input.paidAt,
    description: `Payment ${input.externalId}${input.bookingId ? ` for booking ${input.bookingId}` : ''}`,
    metadata: { paymentId: id },
    postings: [
      { account: cash, debit: input.amount },
      ...(creatorAmount > 0n ? [{ account: held, credit: creatorAmount }] : []),
      ...(feeAmount > 0n ? [{ account: platformAccount('fees', currency), credit: feeAmount }] : []),
    ],
  });
  const audit = auditEventInsert(tx, {
    actor: input.actor,
    action: 'payment.recorded',
    subjectType: 'payment',
    subjectId: id,
    toStatus: status,
    amount: input.amount,
    currency,
    metadata: { externalId: input.externalId, feeAmount: feeAmount.toString(), creatorAmount: creatorAmount.toString() },
    at: now,
  });
  const notification = outboxMessageInsert(tx, {
    topic: 'payment.received',
    recipient: `user:${creator.userId}`,
    payload: {
      paymentId: id,
      bookingId: input.bookingId ?? null,
      amount: input.amount.toString(),
      creatorAmount: creatorAmount.toString(),
      currency,
      payoutReleaseDate: payment.payoutReleaseDate.toISOString(),
    },
    dedupeKey: `payment.received:${id}`,
    at: now,
  });
  // One statement, one round trip: data-modifying CTEs always run (referenced or not) and are
  // atomic with the ledger_post call; a refusal by ledger_post aborts all three.
  try {
    // getSQL(): embedded as builders, drizzle would wrap each insert in a second pair of parentheses.
    await tx.execute(sql`with audit as (${audit.getSQL()}), notification as (${notification.getSQL()}) ${received}`);
  } catch (error) {
    throw translateLedgerError(error) ?? error;
  }
  if (input.transferredAtSource && creatorAmount > 0n) {
    await post(tx, {
      key: `payment:${id}:transferred_at_source`,
      kind: 'payment.transferred_at_source',
      effectiveAt: input.paidAt,
      metadata: { paymentId: id },
      postings: [
        { account: held, debit: creatorAmount },
        { account: cash, credit: creatorAmount },
        { account: creatorAccount(creator.id, 'paid', currency), credit: creatorAmount },
        { account: platformAccount('transfers', currency), debit: creatorAmount },
      ],
    });
  }
  return { payment, created: true };
}

async function findExisting(tx: DbExecutor, input: RecordPaymentInput): Promise<Payment | undefined> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(input.bookingId ? or(eq(payments.externalId, input.externalId), eq(payments.bookingId, input.bookingId)) : eq(payments.externalId, input.externalId))
    .limit(1);
  return row;
}
