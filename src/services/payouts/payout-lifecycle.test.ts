import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { alerts, auditEvents, outboxMessages, payments, payoutPayments } from '../../db/schema/index.js';
import { balances, creatorAccount, platformAccount, verifyLedger } from '../../ledger/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { createPayout } from './create-payout.js';
import { AUTOMATIC_TRANSFERS_FAILED_SUMMARY, cancelPayout, failPayout, lockPayout, recordAttemptFailure, recordTransferMade, startProcessing } from './payout-lifecycle.js';

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

/** A creator with READY payments of the given customer amounts (creator share = 90 %), paid a day apart. */
async function creatorWithReadyPayments(amounts: bigint[]) {
  const { creatorId, userId } = await insertCreator(database.db);
  const ids: string[] = [];
  for (const [i, amount] of amounts.entries()) {
    const paidAt = new Date(clock.now().getTime() - (30 - i) * 86_400_000);
    const { payment } = await database.db.transaction((tx) =>
      recordPayment(tx, { creatorId, externalId: `pi_${creatorId}_${i}`, amount, currency: 'eur', paidAt, actor: 'stripe' }, context),
    );
    ids.push(payment.id);
  }
  await releaseDuePayments(database.db, { actor: 'system:test' }, context);
  return { creatorId, userId, paymentIds: ids };
}

const outboxOf = (topic: string, payoutId: string) =>
  database.db.select().from(outboxMessages).where(and(eq(outboxMessages.topic, topic), sql`${outboxMessages.payload} ->> 'payoutId' = ${payoutId}`)).orderBy(outboxMessages.id);

async function creatorBalances(creatorId: string) {
  const kinds = ['available', 'reserved', 'paid'] as const;
  const all = await balances(database.db, kinds.map((k) => creatorAccount(creatorId, k, 'eur')));
  return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, 'eur').code) ?? 0n]));
}

const statuses = async (ids: string[]) => {
  const rows = await database.db.select({ id: payments.id, status: payments.status, allocated: payments.allocatedAmount }).from(payments);
  return ids.map((id) => rows.find((r) => r.id === id)).map((r) => [r!.status, r!.allocated]);
};

describe(`payout lifecycle on ${testDatabaseKind}`, () => {
  it('reserves the amount and covers the oldest payments first, splitting the last one', async () => {
    // Shares: 63.00, 90.00, 45.00 → a payout of 100.00 takes 63.00 + 37.00 of the second.
    const { creatorId, paymentIds } = await creatorWithReadyPayments([7000n, 10000n, 5000n]);
    const { payout, allocations } = await database.db.transaction((tx) =>
      createPayout(tx, { creatorId, amount: 10000n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context),
    );
    expect(allocations).toEqual([
      { paymentId: paymentIds[0], amount: 6300n },
      { paymentId: paymentIds[1], amount: 3700n },
    ]);
    expect(await creatorBalances(creatorId)).toEqual({ available: 9800n, reserved: 10000n, paid: 0n });
    expect(await statuses(paymentIds)).toEqual([
      ['READY', 6300n],
      ['READY', 3700n],
      ['READY', 0n],
    ]);

    // Processing: fully covered payments become PROCESSING; the split one stays READY.
    const started = await database.db.transaction(async (tx) =>
      startProcessing(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', stripeAccountId: 'acct_x', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now()),
    );
    expect(started.status).toBe('PROCESSING');
    expect((await statuses(paymentIds))[0]).toEqual(['PROCESSING', 6300n]);

    const paid = await database.db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', transferId: 'tr_1' }, clock.now()));
    expect(paid.status).toBe('PAID');
    // Again: a repeated confirmation changes nothing.
    await database.db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payout.id), { actor: 'stripe', transferId: 'tr_1' }, clock.now()));
    expect(await creatorBalances(creatorId)).toEqual({ available: 9800n, reserved: 0n, paid: 10000n });
    expect(await statuses(paymentIds)).toEqual([
      ['PAID', 6300n],
      ['READY', 3700n],
      ['READY', 0n],
    ]);
    const paidMessages = await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payout.paid:${payout.id}`));
    expect(paidMessages).toHaveLength(1);
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, payout.id));
    expect(audit.map((a) => [a.action, a.fromStatus, a.toStatus])).toEqual([
      ['payout.created', null, 'PENDING'],
      ['payout.processing', 'PENDING', 'PROCESSING'],
      ['payout.paid', 'PROCESSING', 'PAID'],
    ]);

    // The rest: 98.00 covers the remainder of the second payment and the whole third.
    const second = await database.db.transaction((tx) =>
      createPayout(tx, { creatorId, amount: 9800n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context),
    );
    expect(second.allocations).toEqual([
      { paymentId: paymentIds[1], amount: 5300n },
      { paymentId: paymentIds[2], amount: 4500n },
    ]);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('refuses a second open request, more than the balance, and leaves nothing behind', async () => {
    const { creatorId } = await creatorWithReadyPayments([7000n]);
    const request = (amount: bigint) =>
      database.db.transaction((tx) => createPayout(tx, { creatorId, amount, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context));
    await expect(request(6301n)).rejects.toMatchObject({ code: 'PAYOUT_INSUFFICIENT_BALANCE' });
    await request(1000n);
    await expect(request(1000n)).rejects.toMatchObject({ code: 'PAYOUT_REQUEST_ALREADY_OPEN' });
    expect(await creatorBalances(creatorId)).toEqual({ available: 5300n, reserved: 1000n, paid: 0n });
  });

  it('two concurrent requests make one payout and one reservation', async () => {
    const { creatorId } = await creatorWithReadyPayments([7000n]);
    const results = await Promise.allSettled(
      [1, 2].map(() =>
        database.db.transaction((tx) => createPayout(tx, { creatorId, amount: 2000n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context)),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'PAYOUT_REQUEST_ALREADY_OPEN' } });
    expect(await creatorBalances(creatorId)).toEqual({ available: 4300n, reserved: 2000n, paid: 0n });
  });

  it('a rejection releases the reservation and frees the payments', async () => {
    const { creatorId, paymentIds } = await creatorWithReadyPayments([7000n]);
    const { payout } = await database.db.transaction((tx) =>
      createPayout(tx, { creatorId, amount: 6300n, currency: 'eur', origin: 'request', status: 'PENDING_APPROVAL', actor: 'user:test', flags: ['REQUIRES_ADMIN_APPROVAL'] }, context),
    );
    await expect(database.db.transaction(async (tx) => cancelPayout(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', reason: ' ', reviewed: true }, clock.now()))).rejects.toMatchObject({
      code: 'PAYOUT_REASON_REQUIRED',
    });
    const cancelled = await database.db.transaction(async (tx) => cancelPayout(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', reason: 'not verified', reviewed: true }, clock.now()));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', reviewedBy: 'user:admin', reviewNotes: 'not verified' });
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await statuses(paymentIds)).toEqual([['READY', 0n]]);
    const rows = await database.db.select().from(payoutPayments).where(eq(payoutPayments.payoutId, payout.id));
    expect(rows[0]!.releasedAt).not.toBeNull();
    // Cancelled is final.
    await expect(database.db.transaction(async (tx) => cancelPayout(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', reason: 'again' }, clock.now()))).rejects.toMatchObject({
      code: 'PAYOUT_INVALID_TRANSITION',
    });
  });

  it('retries a retryable failure with backoff, then fails for good with the money back; the creator hears of each failure once', async () => {
    const { creatorId, userId, paymentIds } = await creatorWithReadyPayments([7000n]);
    const { payout } = await database.db.transaction((tx) =>
      createPayout(tx, { creatorId, amount: 6300n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:test' }, context),
    );
    await database.db.transaction(async (tx) =>
      startProcessing(tx, await lockPayout(tx, payout.id), { actor: 'system:test', stripeAccountId: 'acct_x', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now()),
    );
    const policy = { maxRetries: 2, baseDelayMinutes: 5 };
    const now = clock.now();
    const fail = () =>
      database.db.transaction(async (tx) =>
        recordAttemptFailure(tx, await lockPayout(tx, payout.id), { actor: 'system:test', code: 'balance_insufficient', message: 'no money' }, policy, now),
      );
    const first = await fail();
    expect(first).toMatchObject({ outcome: 'retry_scheduled', nextRetryAt: new Date(now.getTime() + 5 * 60_000) });
    // A retry is scheduled: "retrying", not "failed".
    const [retrying, ...more] = await outboxOf('payout.retrying', payout.id);
    expect(more).toEqual([]);
    expect(retrying).toMatchObject({ recipient: `user:${userId}`, dedupeKey: `payout.retrying:${payout.id}:1` });
    expect(retrying!.payload).toEqual({
      payoutId: payout.id,
      amount: '6300',
      currency: 'eur',
      code: 'balance_insufficient',
      reason: 'no money',
      attempt: 1,
      nextRetryAt: new Date(now.getTime() + 5 * 60_000).toISOString(),
    });
    expect(await outboxOf('payout.failed', payout.id)).toEqual([]);
    const second = await fail();
    expect(second).toMatchObject({ outcome: 'retry_scheduled', nextRetryAt: new Date(now.getTime() + 10 * 60_000) });
    const third = await fail();
    expect(third).toMatchObject({ outcome: 'failed', payout: { status: 'FAILED', failedAttempts: 3, lastErrorCode: 'balance_insufficient' } });
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await statuses(paymentIds)).toEqual([['READY', 0n]]);
    // Three failures, three messages: retrying (1), retrying (2), failed.
    expect((await outboxOf('payout.retrying', payout.id)).map((m) => [m.payload.attempt, m.payload.nextRetryAt])).toEqual([
      [1, new Date(now.getTime() + 5 * 60_000).toISOString()],
      [2, new Date(now.getTime() + 10 * 60_000).toISOString()],
    ]);
    expect(await outboxOf('payout.failed', payout.id)).toMatchObject([{ recipient: `user:${userId}`, payload: { code: 'balance_insufficient', reason: 'no money' } }]);
    // Not failed by a sweep that summarises: the admins are alerted about this payout on its own —
    // an alert (docs/alerts.md), whose opening is the one message (keyed by the alert, no longer by the payout).
    const [alert] = await database.db.select().from(alerts).where(eq(alerts.fingerprint, `payout_retries_exhausted:${payout.id}`));
    expect(alert).toMatchObject({ type: 'payout_retries_exhausted', severity: 'critical', status: 'OPEN', occurrences: 1 });
    expect((await outboxOf('alert.payout_retries_exhausted', payout.id)).map((m) => m.dedupeKey)).toEqual([`alert.payout_retries_exhausted:${alert!.id}`]);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('a failure whose transaction rolls back queues no message; recorded again, it queues one', async () => {
    const { creatorId } = await creatorWithReadyPayments([7000n]);
    const payout = await database.db.transaction(async (tx) => {
      const { payout: created } = await createPayout(tx, { creatorId, amount: 6300n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context);
      return startProcessing(tx, created, { actor: 'system:test', stripeAccountId: 'acct_x', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now());
    });
    const failure = { actor: 'system:test', code: 'balance_insufficient', message: 'no money' } as const;
    await expect(
      database.db.transaction(async (tx) => {
        await recordAttemptFailure(tx, await lockPayout(tx, payout.id), failure, config.payoutRetry, clock.now());
        throw new Error('the caller failed after recording the failure');
      }),
    ).rejects.toThrow(/the caller failed/);
    expect(await outboxOf('payout.retrying', payout.id)).toEqual([]);
    await database.db.transaction(async (tx) => recordAttemptFailure(tx, await lockPayout(tx, payout.id), failure, config.payoutRetry, clock.now()));
    expect((await outboxOf('payout.retrying', payout.id)).map((m) => m.dedupeKey)).toEqual([`payout.retrying:${payout.id}:1`]);
  });

  it('an automatic payout exhausted by a sweep that summarises: no alert of its own, its FAILED audit event marked for the summary', async () => {
    const { creatorId } = await creatorWithReadyPayments([7000n]);
    const payout = await database.db.transaction(async (tx) => {
      const { payout: created } = await createPayout(tx, { creatorId, amount: 6300n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:test' }, context);
      return startProcessing(tx, created, { actor: 'system:test', stripeAccountId: 'acct_x', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now());
    });
    const policy = { maxRetries: 1, baseDelayMinutes: 5 };
    const fail = () =>
      database.db.transaction(async (tx) =>
        recordAttemptFailure(tx, await lockPayout(tx, payout.id), { actor: 'system:test', code: 'balance_insufficient', message: 'no money', exhaustionSummarised: true }, policy, clock.now()),
      );
    expect((await fail()).outcome).toBe('retry_scheduled');
    expect((await fail()).outcome).toBe('failed');
    expect(await outboxOf('payout.retrying', payout.id)).toHaveLength(1);
    expect(await outboxOf('payout.failed', payout.id)).toHaveLength(1);
    expect(await outboxOf('alert.payout_retries_exhausted', payout.id)).toEqual([]);
    const [failedEvent] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, payout.id), eq(auditEvents.action, 'payout.failed')));
    expect(failedEvent!.metadata).toEqual({ code: 'balance_insufficient', moneyBack: 'release', exhausted: true, adminAlert: AUTOMATIC_TRANSFERS_FAILED_SUMMARY });
  });

  it('a non-retryable failure fails at once; a reversal after PAID brings the money back', async () => {
    const { creatorId, paymentIds } = await creatorWithReadyPayments([7000n, 7000n]);
    const make = () =>
      database.db.transaction(async (tx) => {
        const { payout } = await createPayout(tx, { creatorId, amount: 6300n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:test' }, context);
        return startProcessing(tx, payout, { actor: 'system:test', stripeAccountId: 'acct_x', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now());
      });
    const a = await make();
    const failed = await database.db.transaction(async (tx) =>
      recordAttemptFailure(tx, await lockPayout(tx, a.id), { actor: 'system:test', code: 'account_invalid', message: 'no such account' }, config.payoutRetry, clock.now()),
    );
    expect(failed.outcome).toBe('failed');

    const b = await make();
    await database.db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, b.id), { actor: 'system:test', transferId: 'tr_b' }, clock.now()));
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 6300n });
    const reversed = await database.db.transaction(async (tx) =>
      failPayout(tx, await lockPayout(tx, b.id), { actor: 'stripe', code: 'account_closed', message: 'bank account closed', moneyBack: 'reversal' }, clock.now()),
    );
    expect(reversed.status).toBe('FAILED');
    expect(await creatorBalances(creatorId)).toEqual({ available: 12600n, reserved: 0n, paid: 0n });
    expect(await statuses(paymentIds)).toEqual([
      ['READY', 0n],
      ['READY', 0n],
    ]);
    const transfers = await balances(database.db, [platformAccount('transfers', 'eur')]);
    expect([...transfers.values()].every((v) => v >= 0n)).toBe(true);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });
});
