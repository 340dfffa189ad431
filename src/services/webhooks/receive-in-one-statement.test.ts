import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator, paymentIntentSucceededEvent, type PaymentEventFacts } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import { MAX_AMOUNT_MINOR } from '../../domain/money/index.js';
import type { Database } from '../../db/database.js';
import { auditEvents, ledgerEntries, ledgerPostings, outboxMessages, payments, webhookEvents } from '../../db/schema/index.js';
import { verifyLedger } from '../../ledger/index.js';
import { StripeGateway } from '../../providers/stripe/index.js';
import { paymentReceiptGroupStats } from '../payments/record-payment.js';
import { recordStripePaymentWithEvent } from '../payments/record-stripe-payment.js';
import { paymentFactsFrom, paymentIntentSchema } from '../payments/stripe-payment-objects.js';
import type { ServiceContext } from '../context.js';
import { webhookEventHandlers } from './handlers/index.js';
import { ingestWebhookEvent } from './ingest-webhook-event.js';
import type { RegisteredWebhookHandler } from './webhook-event-handler.js';

/** Beyond 2^48, and three times it (one creator paid by a group of two, then the general path) within MAX_AMOUNT_MINOR. */
const LARGE_AMOUNT = Number(MAX_AMOUNT_MINOR / 3n);

/**
 * `payment_intent.succeeded`'s one-statement path (`receive` → webhook_record_payment, drizzle/0008)
 * must leave exactly the rows of the general path (the ingestion transaction running `handle` →
 * recordPayment), and decline — writing nothing — whenever it is off its happy path.
 */
let database: Database;
/** A clock that stands still: the two paths' rows then carry the same times. */
const clock = { now: () => new Date('2026-11-02T10:00:00.123Z') };
const context: ServiceContext = {
  config: loadConfig({ PLATFORM_FEE_PERCENTAGE: '10', PAYOUT_HOLDING_DAYS: '7' }),
  clock,
  stripe: new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [], policy: { maxAttempts: 1 } }),
};
const unique = () => Math.random().toString(36).slice(2, 10);
const handlers = webhookEventHandlers as Record<string, RegisteredWebhookHandler>;
const original = handlers['payment_intent.succeeded']!;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
});
afterAll(async () => {
  handlers['payment_intent.succeeded'] = original;
  await database?.close();
});

type Facts = Omit<PaymentEventFacts, 'at'>;

/** An hour ago on the test clock. */
const paymentEvent = (facts: Facts) => paymentIntentSucceededEvent({ ...facts, at: new Date(clock.now().getTime() - 3_600_000) });

/** Ingest through the real handler, recording what its one-statement path answered. */
async function ingestFast(event: ReturnType<typeof paymentEvent>) {
  let received: unknown = 'not called';
  handlers['payment_intent.succeeded'] = {
    ...original,
    async receive(db, e, row, ctx) {
      received = await original.receive!(db, e, row, ctx);
      return received as 'completed' | 'duplicate' | undefined;
    },
  };
  try {
    const result = await ingestWebhookEvent(database.db, event, context);
    return { result, received };
  } finally {
    handlers['payment_intent.succeeded'] = original;
  }
}

/** Ingest through the general path only: the same handler without `receive`. */
async function ingestGeneral(event: ReturnType<typeof paymentEvent>) {
  const { receive: _receive, ...general } = original;
  handlers['payment_intent.succeeded'] = general;
  try {
    return await ingestWebhookEvent(database.db, event, context);
  } finally {
    handlers['payment_intent.succeeded'] = original;
  }
}

/** Everything an event left behind, with its own ids replaced by placeholders so that two events compare. */
async function footprint(event: ReturnType<typeof paymentEvent>) {
  const db = database.db;
  const [stored] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
  const [payment] = await db.select().from(payments).where(eq(payments.externalId, event.data.object.id));
  if (!stored || !payment) return { stored, payment };
  const entries = await db.select().from(ledgerEntries).where(sql`${ledgerEntries.metadata} ->> 'paymentId' = ${payment.id}`);
  const postings = await db
    .select({ account: ledgerPostings.accountCode, currency: ledgerPostings.currency, amount: ledgerPostings.amount })
    .from(ledgerPostings)
    .where(inArray(ledgerPostings.entryId, entries.map((e) => e.id)));
  const audits = await db.select().from(auditEvents).where(eq(auditEvents.subjectId, payment.id));
  const messages = await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment.received:${payment.id}`));
  const bookingId = event.data.object.metadata.bookingId;
  const anonymise = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
        .replaceAll(payment.id, '<payment>')
        .replaceAll(event.data.object.id, '<intent>')
        .replaceAll(event.id, '<event>')
        .replaceAll(`ch_${event.id.slice(4)}`, '<charge>')
        .replaceAll(bookingId ?? '<no booking>', '<booking>'),
    ) as unknown;
  return anonymise({
    stored: { ...stored, payload: undefined },
    payment: { ...payment, id: undefined },
    entries: entries.map((e) => ({ ...e, id: undefined, createdAt: undefined })),
    postings: postings.sort((a, b) => a.account.localeCompare(b.account)),
    audits: audits.map((a) => ({ ...a, id: undefined })),
    messages: messages.map((m) => ({ ...m, id: undefined })),
  });
}

describe(`payment_intent.succeeded in one statement on ${testDatabaseKind}`, () => {
  const cases: Array<{ name: string; creator: { feeBps?: number; holdingPeriodHours?: number }; facts: Omit<Facts, 'creatorId'> }> = [
    { name: 'the platform fee and holding period', creator: {}, facts: { amount: 7000 } },
    { name: 'a creator fee that rounds half up', creator: { feeBps: 333 }, facts: { amount: 1550, email: 'buyer@example.test', extraMetadata: { channel: 'app' } } },
    { name: 'no fee (no fees posting)', creator: { feeBps: 0, holdingPeriodHours: 0 }, facts: { amount: 999 } },
    { name: 'all fee (no held posting)', creator: { feeBps: 10_000, holdingPeriodHours: 48 }, facts: { amount: 1234, bookingId: null } },
    { name: 'a zero-decimal currency', creator: { feeBps: 1250 }, facts: { amount: 12_345, currency: 'JPY' } },
    { name: 'a large amount', creator: { feeBps: 999 }, facts: { amount: LARGE_AMOUNT } },
  ];

  for (const { name, creator, facts } of cases) {
    it(`leaves the rows of the general path: ${name}`, async () => {
      const { creatorId } = await insertCreator(database.db, creator);
      const fastEvent = paymentEvent({ creatorId, ...facts });
      const generalEvent = paymentEvent({ creatorId, ...facts });

      const fast = await ingestFast(fastEvent);
      expect(fast).toEqual({ result: { status: 'completed', eventId: fastEvent.id }, received: 'completed' });
      expect(await ingestGeneral(generalEvent)).toEqual({ status: 'completed', eventId: generalEvent.id });

      const [a, b] = [await footprint(fastEvent), await footprint(generalEvent)];
      expect(a).toEqual(b);
      expect((a as { entries: unknown[] }).entries).toHaveLength(1);
    });
  }

  it('counts a duplicate in the same statement, and leaves the ledger verifying', async () => {
    const { creatorId } = await insertCreator(database.db);
    const event = paymentEvent({ creatorId, amount: 4200 });
    expect((await ingestFast(event)).received).toBe('completed');
    expect(await ingestFast(event)).toEqual({ result: { status: 'duplicate', eventId: event.id }, received: 'duplicate' });
    const [stored] = await database.db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(stored).toMatchObject({ status: 'completed', duplicates: 1, attempts: 1 });
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('declines, writing nothing, off its happy path: the general path decides', async () => {
    // No such creator: stored failed by the general path, nothing else.
    const missing = paymentEvent({ creatorId: 'cr_nobody', amount: 5000 });
    expect(await ingestFast(missing)).toEqual({
      result: expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ code: 'CREATOR_NOT_FOUND' }) }),
      received: undefined,
    });

    // The payment intent recorded before (another event about it): the general path finds it.
    const { creatorId } = await insertCreator(database.db);
    const first = paymentEvent({ creatorId, amount: 8000 });
    expect((await ingestFast(first)).received).toBe('completed');
    const again = { ...first, id: `evt_${unique()}` };
    expect(await ingestFast(again)).toEqual({ result: { status: 'completed', eventId: again.id }, received: undefined });
    expect(await database.db.select().from(payments).where(eq(payments.externalId, first.data.object.id))).toHaveLength(1);

    // A destination charge, and a payment without creatorId: never tried in one statement.
    const destination = paymentEvent({ creatorId, amount: 3000 });
    (destination.data.object as Record<string, unknown>).transfer_data = { destination: 'acct_123' };
    expect((await ingestFast(destination)).received).toBeUndefined();
    const noCreator = paymentEvent({ creatorId: '', amount: 3000 });
    expect(await ingestFast(noCreator)).toEqual({ result: expect.objectContaining({ status: 'ignored' }), received: undefined });

    // Inside a caller's transaction: never (a declined statement would abort that transaction).
    const inside = paymentEvent({ creatorId, amount: 2500 });
    const facts = paymentFactsFrom(paymentIntentSchema.parse(inside.data.object), { paidAt: new Date(inside.created * 1000) });
    const row = { id: inside.id, type: inside.type, account: null, payload: inside };
    expect(await database.db.transaction((tx) => recordStripePaymentWithEvent(tx, row, facts, context))).toBeUndefined();
    expect(await recordStripePaymentWithEvent(database.db, row, facts, context)).toBe('recorded');

    expect((await verifyLedger(database.db)).ok).toBe(true);
  });
});

/**
 * Receipts that arrive together are recorded in one statement (webhook_record_payments,
 * drizzle/0010; docs/webhooks.md "Receipts in groups"): each event must leave what it leaves
 * alone, a declined one nothing, and a group whose statement fails is taken event by event.
 */
describe(`payment_intent.succeeded in groups on ${testDatabaseKind}`, () => {
  /** Ingest all at once through the real handler; the groups and items the batcher sent meanwhile. */
  async function ingestTogether(events: Array<ReturnType<typeof paymentEvent>>) {
    const before = { ...(paymentReceiptGroupStats(database.db) ?? { groups: 0, items: 0, fallbacks: 0 }) };
    const results = await Promise.all(events.map((event) => ingestWebhookEvent(database.db, event, context)));
    const after = paymentReceiptGroupStats(database.db)!;
    return { results, groups: after.groups - before.groups, items: after.items - before.items, fallbacks: after.fallbacks - before.fallbacks };
  }

  it('leaves, for every event of a group, the rows of the general path', async () => {
    const shapes: Array<{ creator: { feeBps?: number; holdingPeriodHours?: number }; facts: Omit<Facts, 'creatorId'> }> = [
      { creator: {}, facts: { amount: 7000 } },
      { creator: { feeBps: 333 }, facts: { amount: 1550, email: 'buyer@example.test', extraMetadata: { channel: 'app' } } },
      { creator: { feeBps: 0, holdingPeriodHours: 0 }, facts: { amount: 999 } },
      { creator: { feeBps: 10_000, holdingPeriodHours: 48 }, facts: { amount: 1234, bookingId: null } },
      { creator: { feeBps: 1250 }, facts: { amount: 12_345, currency: 'JPY' } },
      { creator: { feeBps: 999 }, facts: { amount: LARGE_AMOUNT } },
    ];
    const creators = await Promise.all(shapes.map(({ creator }) => insertCreator(database.db, creator)));
    // Twice each shape in the group: the same creator's held account twice in one statement.
    const grouped = shapes.flatMap(({ facts }, i) => [paymentEvent({ creatorId: creators[i]!.creatorId, ...facts }), paymentEvent({ creatorId: creators[i]!.creatorId, ...facts })]);
    const alone = shapes.map(({ facts }, i) => paymentEvent({ creatorId: creators[i]!.creatorId, ...facts }));

    const together = await ingestTogether(grouped);
    expect(together.results).toEqual(grouped.map((event) => ({ status: 'completed', eventId: event.id })));
    expect(together.items).toBe(grouped.length);
    expect(together.groups).toBeLessThan(grouped.length); // some went together
    expect(together.fallbacks).toBe(0);
    for (const event of alone) expect(await ingestGeneral(event)).toEqual({ status: 'completed', eventId: event.id });

    for (const [i, event] of alone.entries()) {
      const general = await footprint(event);
      expect(await footprint(grouped[2 * i]!)).toEqual(general);
      expect(await footprint(grouped[2 * i + 1]!)).toEqual(general);
    }
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('answers each event of a mixed group for itself: duplicates, declines and new payments', async () => {
    const { creatorId } = await insertCreator(database.db);
    const storedBefore = paymentEvent({ creatorId, amount: 1100 });
    const paidBefore = paymentEvent({ creatorId, amount: 1200 });
    expect((await ingestWebhookEvent(database.db, storedBefore, context)).status).toBe('completed');
    expect((await ingestWebhookEvent(database.db, paidBefore, context)).status).toBe('completed');

    const fresh = paymentEvent({ creatorId, amount: 5000 });
    const other = paymentEvent({ creatorId, amount: 6000 });
    const unknownCreator = paymentEvent({ creatorId: `cr_nobody_${unique()}`, amount: 7000 });
    const samePaymentOtherEvent = { ...paidBefore, id: `evt_${unique()}` };
    const events = [fresh, other, fresh, unknownCreator, storedBefore, samePaymentOtherEvent, fresh, other];

    const together = await ingestTogether(events);
    expect(together.items).toBe(events.length);
    expect(together.groups).toBeLessThan(events.length);
    const byEvent = (id: string) => together.results.filter((r) => r.eventId === id).map((r) => r.status).sort();
    expect(byEvent(fresh.id)).toEqual(['completed', 'duplicate', 'duplicate']);
    expect(byEvent(other.id)).toEqual(['completed', 'duplicate']);
    expect(together.results[3]).toMatchObject({ status: 'failed', failure: { code: 'CREATOR_NOT_FOUND' } });
    expect(together.results[4]).toEqual({ status: 'duplicate', eventId: storedBefore.id });
    expect(together.results[5]).toEqual({ status: 'completed', eventId: samePaymentOtherEvent.id });

    const stored = await database.db.select().from(webhookEvents).where(inArray(webhookEvents.id, [fresh.id, other.id, unknownCreator.id, storedBefore.id, samePaymentOtherEvent.id]));
    const row = (id: string) => stored.find((s) => s.id === id);
    expect(row(fresh.id)).toMatchObject({ status: 'completed', duplicates: 2 });
    expect(row(other.id)).toMatchObject({ status: 'completed', duplicates: 1 });
    expect(row(unknownCreator.id)).toMatchObject({ status: 'failed', duplicates: 0 });
    expect(row(storedBefore.id)).toMatchObject({ status: 'completed', duplicates: 1 });
    expect(row(samePaymentOtherEvent.id)).toMatchObject({ status: 'completed', duplicates: 0 });

    const paid = await database.db.select().from(payments).where(eq(payments.creatorId, creatorId));
    expect(paid.map((p) => p.amount).sort((a, b) => Number(a - b))).toEqual([1100n, 1200n, 5000n, 6000n]);
    expect(await database.db.select().from(payments).where(eq(payments.externalId, unknownCreator.data.object.id))).toHaveLength(0);
    for (const payment of paid) {
      expect(await database.db.select().from(ledgerEntries).where(eq(ledgerEntries.idempotencyKey, `payment:${payment.id}:received`))).toHaveLength(1);
      expect(await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, payment.id))).toHaveLength(1);
      expect(await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment.received:${payment.id}`))).toHaveLength(1);
    }
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('takes the events of a group one by one when its statement fails, and only the bad one fails', async () => {
    const { creatorId } = await insertCreator(database.db);
    // A database that refuses one payment: the whole group's statement fails with it.
    await database.db.execute(sql`
      create or replace function test_refuse_payment() returns trigger language plpgsql as $$
      begin
        if new.amount = 6666 then raise exception 'refused for the test'; end if;
        return new;
      end $$`);
    await database.db.execute(sql`create trigger test_refuse_payment before insert on payments for each row execute function test_refuse_payment()`);
    try {
      const events = [1000, 2000, 3000, 6666, 4000, 5000].map((amount) => paymentEvent({ creatorId, amount }));
      const together = await ingestTogether(events);
      expect(together.groups).toBeLessThan(events.length);
      expect(together.fallbacks).toBeGreaterThan(0);
      expect(together.results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'failed', 'completed', 'completed']);
      const paid = await database.db.select().from(payments).where(eq(payments.creatorId, creatorId));
      expect(paid.map((p) => p.amount).sort((a, b) => Number(a - b))).toEqual([1000n, 2000n, 3000n, 4000n, 5000n]);
      const [refused] = await database.db.select().from(webhookEvents).where(eq(webhookEvents.id, events[3]!.id));
      expect(refused).toMatchObject({ status: 'failed' });
      expect(refused?.error).toContain('refused for the test');
    } finally {
      await database.db.execute(sql`drop trigger test_refuse_payment on payments`);
      await database.db.execute(sql`drop function test_refuse_payment()`);
    }
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });
});
