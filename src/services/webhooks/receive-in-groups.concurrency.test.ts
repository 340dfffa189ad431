import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator, paymentIntentSucceededEvent } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { payments, webhookEvents } from '../../db/schema/index.js';
import { verifyLedger } from '../../ledger/index.js';
import { StripeGateway } from '../../providers/stripe/index.js';
import { paymentReceiptGroupStats } from '../payments/record-payment.js';
import type { ServiceContext } from '../context.js';
import { ingestWebhookEvent } from './ingest-webhook-event.js';

/**
 * Groups of payment receipts that run at the same time (docs/webhooks.md "Receipts in groups"):
 * with groups of two, a second statement starts beside the first as soon as two receipts wait,
 * so copies of one event and events in opposite orders meet in concurrent statements. Each event
 * must be recorded once, every other copy counted as a duplicate, and no statement may fail (a
 * deadlock would show as a fallback). Its own database, so that its pool gets these settings.
 */
let database: Database;
const context: ServiceContext = {
  config: loadConfig({ PLATFORM_FEE_PERCENTAGE: '10', PAYOUT_HOLDING_DAYS: '7', WEBHOOK_BATCH_SIZE: '2', WEBHOOK_BATCH_CONCURRENCY: '2' }),
  clock: { now: () => new Date() },
  stripe: new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [], policy: { maxAttempts: 1 } }),
};

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(async () => {
  await database?.close();
});

/** Paid a minute ago. */
const paymentEvent = (creatorId: string, amount: number) => paymentIntentSucceededEvent({ creatorId, amount, at: new Date(Date.now() - 60_000) });

describe(`payment receipts in concurrent groups on ${testDatabaseKind}`, () => {
  it('records each event once when copies and opposite orders meet in concurrent statements', async () => {
    const creators = await Promise.all([1, 2, 3].map(() => insertCreator(database.db)));
    const before = { ...(paymentReceiptGroupStats(database.db) ?? { groups: 0, items: 0, fallbacks: 0 }) };
    const rounds = 15;
    const sent: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const [x, y, z] = creators.map(({ creatorId }, i) => paymentEvent(creatorId, 1000 + round * 10 + i));
      // z alone; x, y together beside it; then y, x and z again, waiting or beside.
      const deliveries = [z!, x!, y!, y!, x!, z!, x!, y!];
      sent.push(x!.id, y!.id, z!.id);
      const results = await Promise.all(deliveries.map((event) => ingestWebhookEvent(database.db, event, context)));
      for (const event of [x!, y!, z!]) {
        const outcomes = results.filter((r) => r.eventId === event.id).map((r) => r.status).sort();
        const copies = deliveries.filter((d) => d === event).length;
        expect(outcomes).toEqual(['completed', ...Array<string>(copies - 1).fill('duplicate')]);
      }
    }
    const after = paymentReceiptGroupStats(database.db)!;
    expect(after.fallbacks - before.fallbacks).toBe(0);
    expect(after.items - before.items).toBe(rounds * 8);
    expect(after.groups - before.groups).toBeLessThan(rounds * 8);

    const stored = await database.db.select().from(webhookEvents).where(inArray(webhookEvents.id, sent));
    expect(stored).toHaveLength(sent.length);
    expect(stored.every((row) => row.status === 'completed')).toBe(true);
    const [{ duplicates } = { duplicates: -1 }] = await database.db
      .select({ duplicates: sql<number>`sum(${webhookEvents.duplicates})::int` })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, sent));
    expect(duplicates).toBe(rounds * (8 - 3));
    const recorded = await database.db.select({ id: payments.id }).from(payments).where(inArray(payments.creatorId, creators.map((c) => c.creatorId)));
    expect(recorded).toHaveLength(rounds * 3);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });
});
