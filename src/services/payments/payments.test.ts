import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { auditEvents, outboxMessages, payments } from '../../db/schema/index.js';
import { creatorAccount, platformAccount, balances, verifyLedger } from '../../ledger/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { recordPayment, type RecordPaymentInput } from './record-payment.js';
import { releaseDuePayments } from './release-due-payments.js';

let database: Database;
const config = loadConfig({ PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' });
const clock = new AdjustableClock();
const context = { config, clock };
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(async () => {
  await database?.close();
});

function input(creatorId: string, overrides: Partial<RecordPaymentInput> = {}): RecordPaymentInput {
  return { creatorId, externalId: `pi_${Math.random().toString(36).slice(2)}`, amount: 7000n, currency: 'eur', paidAt: clock.now(), actor: 'stripe', ...overrides };
}
const record = (i: RecordPaymentInput) => database.db.transaction((tx) => recordPayment(tx, i, context));
const creatorBalances = async (creatorId: string, currency = 'eur') => {
  const kinds = ['held', 'available'] as const;
  const all = await balances(database.db, kinds.map((k) => creatorAccount(creatorId, k, currency)));
  return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, currency).code)]));
};

describe(`recording payments on ${testDatabaseKind}`, () => {
  it('splits 70.00 EUR into 7.00 fee and 63.00 held for the creator, releasable after 7 days', async () => {
    const { creatorId, userId } = await insertCreator(database.db);
    const { payment, created } = await record(input(creatorId, { bookingId: 'bk-1' }));
    expect(created).toBe(true);
    expect(payment).toMatchObject({ status: 'HELD', amount: 7000n, feeAmount: 700n, creatorAmount: 6300n, currency: 'eur' });
    expect(payment.payoutReleaseDate.getTime() - payment.paidAt.getTime()).toBe(7 * 24 * 3600 * 1000);
    expect(await creatorBalances(creatorId)).toEqual({ held: 6300n, available: 0n });
    const [message] = await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment.received:${payment.id}`));
    expect(message).toMatchObject({ topic: 'payment.received', recipient: `user:${userId}`, status: 'pending' });
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, payment.id));
    expect(audit).toMatchObject([{ action: 'payment.recorded', toStatus: 'HELD', amount: 7000n, actor: 'stripe' }]);
  });

  it.each([
    ['jpy', 999n, 100n, 899n],
    ['eur', 1005n, 101n, 904n],
    ['bhd', 12345n, 1235n, 11110n],
  ])('rounds the fee half up in %s minor units: %s → %s + %s', async (currency, amount, fee, share) => {
    const { creatorId } = await insertCreator(database.db, { currency });
    const { payment } = await record(input(creatorId, { amount, currency: currency.toUpperCase() }));
    expect([payment.feeAmount, payment.creatorAmount, payment.currency]).toEqual([fee, share, currency]);
    expect((await creatorBalances(creatorId, currency)).held).toBe(share);
  });

  it("uses the creator's own fee and holding period when set", async () => {
    const { creatorId } = await insertCreator(database.db, { feeBps: 2500, holdingPeriodHours: 72 });
    const { payment } = await record(input(creatorId, { amount: 10000n }));
    expect([payment.feeAmount, payment.creatorAmount]).toEqual([2500n, 7500n]);
    expect(payment.payoutReleaseDate.getTime() - payment.paidAt.getTime()).toBe(72 * 3600 * 1000);
  });

  it('records five concurrent copies of one payment once', async () => {
    const { creatorId } = await insertCreator(database.db);
    const copy = input(creatorId, { externalId: 'pi_five_copies', bookingId: 'bk-five' });
    const results = await Promise.all(Array.from({ length: 5 }, () => record(copy)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.payment.id)).size).toBe(1);
    expect((await creatorBalances(creatorId)).held).toBe(6300n);
  });

  it('refuses a payment for an unknown creator with a clear error and writes nothing', async () => {
    const before = (await database.db.execute<{ n: number }>(sql`select count(*)::int as n from payments`)).rows[0]?.n;
    await expect(record(input('cr_nobody'))).rejects.toMatchObject({ code: 'CREATOR_NOT_FOUND', message: expect.stringMatching(/No creator with id cr_nobody/) });
    expect((await database.db.execute<{ n: number }>(sql`select count(*)::int as n from payments`)).rows[0]?.n).toBe(before);
  });

  it('records a destination charge as already paid, never held', async () => {
    const { creatorId } = await insertCreator(database.db);
    const { payment } = await record(input(creatorId, { transferredAtSource: true }));
    expect(payment.status).toBe('PAID');
    const all = await balances(database.db, [creatorAccount(creatorId, 'held', 'eur'), creatorAccount(creatorId, 'paid', 'eur')]);
    expect([...all.values()]).toEqual([0n, 6300n]);
  });
});

describe(`releasing holds on ${testDatabaseKind}`, () => {
  it('releases due payments once, even with two sweeps at once, skipping admin-stopped ones', async () => {
    const { creatorId } = await insertCreator(database.db);
    const { creatorId: other } = await insertCreator(database.db);
    const paid = [];
    for (let i = 0; i < 12; i++) paid.push((await record(input(i % 3 === 0 ? other : creatorId, { amount: 1000n + BigInt(i) }))).payment);
    const stopped = paid[1]!;
    await database.db.update(payments).set({ disputeRequested: true }).where(eq(payments.id, stopped.id));

    const early = await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect(early.updatedCount).toBe(0);

    clock.advance(7 * 24 * 3600 + 1);
    const [a, b] = await Promise.all([
      releaseDuePayments(database.db, { actor: 'system:test', batchSize: 3 }, context),
      releaseDuePayments(database.db, { actor: 'system:test', batchSize: 3 }, context),
    ]);
    const releasedIds = [...a.payments, ...b.payments].map((p) => p.id);
    const ours = paid.filter((p) => p.id !== stopped.id).map((p) => p.id);
    for (const id of ours) expect(releasedIds.filter((r) => r === id)).toHaveLength(1);
    expect(releasedIds).not.toContain(stopped.id);

    const rows = await database.db.select({ id: payments.id, status: payments.status }).from(payments).where(sql`${payments.id} in ${paid.map((p) => p.id)}`);
    expect(rows.filter((r) => r.status === 'READY').map((r) => r.id).sort()).toEqual([...ours].sort());
    const expectedAvailable = paid.filter((p) => p.creatorId === creatorId && p.id !== stopped.id).reduce((s, p) => s + p.creatorAmount, 0n);
    expect((await creatorBalances(creatorId)).available).toBe(expectedAvailable);
    expect((await creatorBalances(creatorId)).held).toBe(stopped.creatorAmount);
    const released = await database.db.select().from(auditEvents).where(sql`${auditEvents.action} = 'payment.released' and ${auditEvents.subjectId} in ${ours}`);
    expect(released).toHaveLength(ours.length);
    expect((await verifyLedger(database.db)).ok).toBe(true);
    expect((await balances(database.db, [platformAccount('fees', 'eur')])).get('platform:fees:eur')).toBeGreaterThan(0n);
  });
});
