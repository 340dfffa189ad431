import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { auditEvents, outboxMessages, payments } from '../../db/schema/index.js';
import { verifyLedger } from '../../ledger/index.js';
import { recordPayment } from './record-payment.js';
import { releaseDuePayments } from './release-due-payments.js';

/**
 * `payment.released`: the creator hears once per release of their held money — one message per
 * creator and currency, in the release's transaction, never for a release that rolled back or
 * twice for the same payments.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' } });
});
afterAll(async () => {
  await t?.close();
});

let counter = 0;
async function heldPayment(creatorId: string, amount: bigint, currency = 'eur'): Promise<string> {
  const { payment } = await t.database.db.transaction((tx) =>
    recordPayment(tx, { creatorId, externalId: `pi_release_${++counter}_${Math.random().toString(36).slice(2)}`, amount, currency, paidAt: t.clock.now(), actor: 'stripe' }, t),
  );
  return payment.id;
}

async function releasedMessages(creatorId: string) {
  return t.database.db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.topic, 'payment.released'), sql`${outboxMessages.payload} ->> 'creatorId' = ${creatorId}`))
    .orderBy(outboxMessages.id);
}

const runReleaseJob = async () => {
  const reply = await t.app.inject({ method: 'POST', url: '/api/cron/release-holds', headers: { authorization: `Bearer ${t.config.cron.secret}` } });
  expect(reply.statusCode).toBe(200);
  return reply.json<{ updatedCount: number; paymentIds: string[] }>();
};

const sorted = (ids: string[]) => [...ids].sort();

describe(`payment.released on ${testDatabaseKind}`, () => {
  it('queues one message per creator and currency with the count, the shares released and the payment ids; a re-run queues nothing', async () => {
    const a = await insertCreator(t.database.db);
    const b = await insertCreator(t.database.db);
    const aEur = [await heldPayment(a.creatorId, 7000n), await heldPayment(a.creatorId, 10_000n), await heldPayment(a.creatorId, 3000n)];
    const aUsd = await heldPayment(a.creatorId, 5000n, 'usd');
    const bEur = await heldPayment(b.creatorId, 2000n);
    const stopped = await heldPayment(a.creatorId, 1000n);
    await t.database.db.update(payments).set({ disputeRequested: true }).where(eq(payments.id, stopped));

    expect((await runReleaseJob()).updatedCount).toBe(0); // not due yet
    expect(await releasedMessages(a.creatorId)).toEqual([]);

    t.clock.advance(7 * 86_400 + 1);
    const run = await runReleaseJob();
    expect(sorted(run.paymentIds)).toEqual(sorted([...aEur, aUsd, bEur]));

    const ofA = await releasedMessages(a.creatorId);
    expect(ofA).toHaveLength(2);
    const eur = ofA.find((m) => m.payload.currency === 'eur')!;
    const usd = ofA.find((m) => m.payload.currency === 'usd')!;
    expect(eur).toMatchObject({ recipient: `user:${a.userId}`, status: 'pending' });
    expect({ ...eur.payload, paymentIds: sorted(eur.payload.paymentIds as string[]) }).toEqual({
      creatorId: a.creatorId,
      count: 3,
      amount: String(6300 + 9000 + 2700),
      currency: 'eur',
      paymentIds: sorted(aEur),
    });
    // The key names the group's first payment (in the database's order, as the payload lists them) and the count.
    expect(eur.dedupeKey).toBe(`payment.released:${a.creatorId}:eur:${(eur.payload.paymentIds as string[])[0]}:3`);
    expect(usd).toMatchObject({ recipient: `user:${a.userId}`, payload: { creatorId: a.creatorId, count: 1, amount: '4500', currency: 'usd', paymentIds: [aUsd] } });
    expect(await releasedMessages(b.creatorId)).toMatchObject([{ recipient: `user:${b.userId}`, payload: { creatorId: b.creatorId, count: 1, amount: '1800', currency: 'eur', paymentIds: [bEur] } }]);

    // Again, and again an hour later: nothing new is released, nothing is queued.
    expect((await runReleaseJob()).updatedCount).toBe(0);
    t.clock.advance(3600);
    expect((await runReleaseJob()).updatedCount).toBe(0);
    expect(await releasedMessages(a.creatorId)).toHaveLength(2);
    expect(await releasedMessages(b.creatorId)).toHaveLength(1);

    // The payment the admin stopped goes once it is cleared: a message of its own, the earlier ones untouched.
    await t.database.db.update(payments).set({ disputeRequested: false }).where(eq(payments.id, stopped));
    expect((await runReleaseJob()).paymentIds).toEqual([stopped]);
    const after = await releasedMessages(a.creatorId);
    expect(after).toHaveLength(3);
    expect(after[2]!.payload).toEqual({ creatorId: a.creatorId, count: 1, amount: '900', currency: 'eur', paymentIds: [stopped] });
    expect(after.slice(0, 2)).toEqual(ofA);
  });

  it('in batches: one message per creator and currency in each batch, every payment in exactly one of them', async () => {
    const { creatorId, userId } = await insertCreator(t.database.db);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await heldPayment(creatorId, 1000n * BigInt(i + 1)));
    t.clock.advance(7 * 86_400 + 1);
    const result = await releaseDuePayments(t.database.db, { actor: 'system:test', batchSize: 2 }, t);
    expect(result.updatedCount).toBe(5);
    const messages = await releasedMessages(creatorId);
    expect(messages).toHaveLength(3); // batches of 2, 2 and 1
    expect(messages.every((m) => m.recipient === `user:${userId}`)).toBe(true);
    expect(sorted(messages.flatMap((m) => m.payload.paymentIds as string[]))).toEqual(sorted(ids));
    expect(messages.map((m) => m.payload.count)).toEqual([2, 2, 1]);
    expect(messages.reduce((sum, m) => sum + BigInt(m.payload.amount as string), 0n)).toBe(900n + 1800n + 2700n + 3600n + 4500n);
    expect(new Set(messages.map((m) => m.dedupeKey)).size).toBe(3);
  });

  it('queues nothing when the release rolls back, and queues it once when the release is made again', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const paymentId = await heldPayment(creatorId, 4000n);
    t.clock.advance(7 * 86_400 + 1);
    // The batch's transaction fails at commit, after every statement in it ran (the message was inserted).
    await t.database.db.execute(sql.raw(`
      create function fail_release_commit() returns trigger language plpgsql as $$
      begin raise exception 'release of ${creatorId} refused at commit'; end $$;
      create constraint trigger fail_release_commit after insert on outbox_messages deferrable initially deferred
        for each row when (new.topic = 'payment.released' and new.payload ->> 'creatorId' = '${creatorId}') execute function fail_release_commit();`));
    try {
      const failure = await releaseDuePayments(t.database.db, { actor: 'system:test' }, t).catch((error: unknown) => error);
      expect(String((failure as { cause?: unknown }).cause ?? failure)).toMatch(/refused at commit/);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger fail_release_commit on outbox_messages; drop function fail_release_commit();'));
    }
    expect(await releasedMessages(creatorId)).toEqual([]);
    const [payment] = await t.database.db.select().from(payments).where(eq(payments.id, paymentId));
    expect(payment!.status).toBe('HELD');
    expect(await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, paymentId), eq(auditEvents.action, 'payment.released')))).toEqual([]);

    const result = await releaseDuePayments(t.database.db, { actor: 'system:test' }, t);
    expect(result.payments.map((p) => p.id)).toEqual([paymentId]);
    expect(await releasedMessages(creatorId)).toMatchObject([{ payload: { count: 1, amount: '3600', paymentIds: [paymentId] } }]);
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });
});
