import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { alerts, outboxMessages, payments, webhookEvents } from '../../db/schema/index.js';
import { verifyLedger } from '../../ledger/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { StripeGateway } from '../../providers/stripe/index.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { ServiceContext } from '../context.js';
import { deleteExpiredWebhookEvents } from './delete-expired-webhook-events.js';
import { webhookEventHandlers } from './handlers/index.js';
import { ingestWebhookEvent } from './ingest-webhook-event.js';
import { listWebhookEvents } from './list-webhook-events.js';
import { retryFailedWebhookEvents } from './retry-failed-webhook-events.js';
import { retryWebhookEvent } from './retry-webhook-event.js';
import { defineWebhookHandler, type RegisteredWebhookHandler } from './webhook-event-handler.js';

let database: Database;
const clock = new AdjustableClock();
const context: ServiceContext = {
  config: loadConfig({ PLATFORM_FEE_PERCENTAGE: '10' }),
  clock,
  // These tests need no Stripe call: a gateway pointed at a closed port proves it.
  stripe: new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [], policy: { maxAttempts: 1 } }),
};
const policy = { maxAttempts: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 };
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(async () => {
  await database?.close();
});

function paymentEvent(creatorId: string, overrides: { amount?: number } = {}) {
  const created = Math.floor(clock.now().getTime() / 1000);
  return {
    id: `evt_${unique()}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    created,
    data: { object: { id: `pi_${unique()}`, object: 'payment_intent', amount: overrides.amount ?? 7000, amount_received: overrides.amount ?? 7000, currency: 'eur', status: 'succeeded', created, metadata: { creatorId } } },
  };
}

const eventRow = async (id: string) => (await database.db.select().from(webhookEvents).where(eq(webhookEvents.id, id)))[0];
const ingest = (event: unknown) => ingestWebhookEvent(database.db, event, context);
/** Moves the clock past every scheduled retry. */
const afterBackoff = () => clock.advance(policy.maxDelaySeconds + 1);

describe(`webhook event processing on ${testDatabaseKind}`, () => {
  it('rolls back a failing handler’s writes but commits the event as failed with its error', async () => {
    const handlers = webhookEventHandlers as Record<string, RegisteredWebhookHandler>;
    handlers['test.half_done'] = defineWebhookHandler({
      async handle(tx, event) {
        await enqueueMessage(tx, { topic: 'alert.payout_stale', recipient: 'admins', payload: {}, dedupeKey: `half:${event.id}`, at: clock.now() });
        throw new Error('second step broke');
      },
    });
    try {
      const event = { id: `evt_${unique()}`, type: 'test.half_done', created: 1, data: { object: { id: 'x' } } };
      expect(await ingest(event)).toMatchObject({ status: 'failed', failure: { code: 'HANDLER_ERROR', message: 'second step broke' } });
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', error: 'HANDLER_ERROR: second step broke', attempts: 1 });
      expect(await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `half:${event.id}`))).toEqual([]);
    } finally {
      delete handlers['test.half_done'];
    }
  });

  it('stores a failing event once when five copies arrive together, with none of its effects', async () => {
    // The failure is recorded after its transaction rolled back, so copies may run the handler in
    // that gap (ingest-webhook-event.ts): still one row, failed, and the other copies counted.
    const handlers = webhookEventHandlers as Record<string, RegisteredWebhookHandler>;
    handlers['test.always_fails'] = defineWebhookHandler({
      async handle(tx, event) {
        await enqueueMessage(tx, { topic: 'alert.payout_stale', recipient: 'admins', payload: {}, dedupeKey: `fails:${event.id}`, at: clock.now() });
        throw new Error('not yet');
      },
    });
    try {
      const event = { id: `evt_${unique()}`, type: 'test.always_fails', created: 1, data: { object: { id: 'x' } } };
      const results = await Promise.all(Array.from({ length: 5 }, () => ingest(event)));
      expect(results.filter((r) => r.status === 'failed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(4);
      expect(await eventRow(event.id)).toMatchObject({ status: 'failed', error: 'HANDLER_ERROR: not yet', attempts: 1, duplicates: 4 });
      expect(await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `fails:${event.id}`))).toEqual([]);
    } finally {
      delete handlers['test.always_fails'];
    }
  });

  it('retries with backoff, stops after the last attempt and tells the admins; an admin can still retry', async () => {
    const creatorId = `cr_${unique()}`;
    const event = paymentEvent(creatorId);
    await ingest(event);
    const first = await eventRow(event.id);
    expect(first).toMatchObject({ status: 'failed', attempts: 1 });
    expect(first!.nextRetryAt!.getTime() - first!.processedAt!.getTime()).toBe(60_000);

    expect((await retryFailedWebhookEvents(database.db, context, { policy })).eventIds).not.toContain(event.id);
    clock.advance(61);
    expect((await retryFailedWebhookEvents(database.db, context, { policy })).eventIds).toContain(event.id);
    const second = await eventRow(event.id);
    expect(second).toMatchObject({ status: 'failed', attempts: 2 });
    expect(second!.nextRetryAt!.getTime() - second!.processedAt!.getTime()).toBe(120_000);

    afterBackoff();
    const third = await retryFailedWebhookEvents(database.db, context, { policy });
    expect(third).toMatchObject({ exhausted: expect.any(Number) });
    expect(third.eventIds).toContain(event.id);
    expect(await eventRow(event.id)).toMatchObject({ status: 'failed', attempts: 3, nextRetryAt: null });
    const messages = await database.db.select().from(outboxMessages).where(sql`${outboxMessages.topic} = 'alert.webhook_retries_exhausted' and ${outboxMessages.payload} ->> 'eventId' = ${event.id}`);
    expect(messages).toMatchObject([{ recipient: 'admins' }]);
    const alertOf = async () => (await database.db.select().from(alerts).where(eq(alerts.fingerprint, `webhook_retries_exhausted:${event.id}`)))[0];
    expect(await alertOf()).toMatchObject({ type: 'webhook_retries_exhausted', status: 'OPEN', details: { attempts: 3 } });

    afterBackoff();
    expect((await retryFailedWebhookEvents(database.db, context, { policy })).eventIds).not.toContain(event.id);

    await insertCreator(database.db, { id: creatorId });
    const retried = await retryWebhookEvent(database.db, context, { eventId: event.id, actor: 'user:admin' });
    expect(retried).toMatchObject({ status: 'completed', attempts: 4, error: null });
    expect((await database.db.select().from(payments).where(eq(payments.creatorId, creatorId))).length).toBe(1);
    // The retry went through: the event's alert resolved itself, in the same transaction.
    expect(await alertOf()).toMatchObject({ status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the event was completed on attempt 4' });
  });

  it('shares due events between two concurrent sweeps: each runs once', async () => {
    const creatorId = `cr_${unique()}`;
    const events = Array.from({ length: 8 }, () => paymentEvent(creatorId, { amount: 1000 }));
    for (const event of events) await ingest(event);
    await insertCreator(database.db, { id: creatorId });
    afterBackoff();
    const [a, b] = await Promise.all([
      retryFailedWebhookEvents(database.db, context, { policy, limit: 3 }),
      retryFailedWebhookEvents(database.db, context, { policy, limit: 3 }),
    ]);
    const rest = await retryFailedWebhookEvents(database.db, context, { policy, limit: 100 });
    const ran = [...a.eventIds, ...b.eventIds, ...rest.eventIds].filter((id) => events.some((e) => e.id === id));
    expect(ran.sort()).toEqual(events.map((e) => e.id).sort());
    expect((await database.db.select().from(payments).where(eq(payments.creatorId, creatorId))).length).toBe(8);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('takes over an event whose claim expired (an instance died mid-retry)', async () => {
    const creatorId = `cr_${unique()}`;
    const event = paymentEvent(creatorId);
    await ingest(event);
    await insertCreator(database.db, { id: creatorId });
    await database.db.update(webhookEvents).set({ status: 'processing', nextRetryAt: new Date(clock.now().getTime() + 300_000) }).where(eq(webhookEvents.id, event.id));
    await expect(retryWebhookEvent(database.db, context, { eventId: event.id, actor: 'user:admin' })).rejects.toMatchObject({ code: 'WEBHOOK_EVENT_IN_PROGRESS' });
    expect((await retryFailedWebhookEvents(database.db, context, { policy })).eventIds).not.toContain(event.id);
    clock.advance(301);
    expect((await retryFailedWebhookEvents(database.db, context, { policy })).eventIds).toContain(event.id);
    expect(await eventRow(event.id)).toMatchObject({ status: 'completed' });
  });

  it('counts statistics over every stored event', async () => {
    const { creatorId } = await insertCreator(database.db);
    const event = paymentEvent(creatorId);
    await ingest(event);
    await ingest(event);
    await ingest(event);
    const { stats } = await listWebhookEvents(database.db, { limit: 1 });
    const { rows } = await database.db.execute<{ n: number; d: number }>(sql`select count(*)::int as n, sum(duplicates)::int as d from webhook_events`);
    expect(stats.total).toBe(rows[0]!.n);
    expect(stats.duplicates).toBe(rows[0]!.d);
    expect(stats.duplicates).toBeGreaterThanOrEqual(2);
    expect(stats.total).toBe(stats.processing + stats.completed + stats.failed + stats.ignored);
  });

  it('deletes events older than the retention period, in batches, and keeps the rest', async () => {
    const now = clock.now();
    const day = 86_400_000;
    const make = (ageDays: number) => ({
      id: `evt_age_${ageDays}_${unique()}`,
      type: 'test.age',
      status: 'completed' as const,
      payload: {},
      receivedAt: new Date(now.getTime() - ageDays * day),
    });
    const old = [31, 40, 45, 90, 365].map(make);
    const young = [0, 1, 29].map(make);
    await database.db.insert(webhookEvents).values([...old, ...young]);
    const result = await deleteExpiredWebhookEvents(database.db, { now, retentionDays: 30, batchSize: 2 });
    expect(result.deleted).toBeGreaterThanOrEqual(old.length);
    expect(result.cutoff.getTime()).toBe(now.getTime() - 30 * day);
    const left = await database.db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.type, 'test.age'));
    expect(left.map((r) => r.id).sort()).toEqual(young.map((e) => e.id).sort());
  });
});
