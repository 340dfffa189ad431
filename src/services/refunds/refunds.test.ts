import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { alerts, auditEvents, outboxMessages, paymentDisputes, payments } from '../../db/schema/index.js';
import { balances, creatorAccount, platformAccount, verifyLedger } from '../../ledger/index.js';
import { verifyPayouts } from '../payouts/verify-payouts.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { getCreatorBalance } from '../balances/get-creator-balance.js';
import { recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { setDisputeRequested } from '../payments/set-dispute-requested.js';
import { createPayout } from '../payouts/create-payout.js';
import { lockPayout, recordTransferMade, startProcessing } from '../payouts/payout-lifecycle.js';
import { applyRefund } from './apply-refund.js';
import { closeDispute, openDispute, type DisputeFeePayer } from './disputes.js';

/**
 * Refunds and disputes × the state of the payment's money (docs/refunds-and-disputes.md), on the
 * services: a payment of 100.00 (creator 90.00, fee 10.00) held, ready, reserved for a PENDING
 * payout, in a PROCESSING payout, or PAID — with the expected ledger balances after each, and
 * `verifyLedger` after every test.
 */
let database: Database;
const config = loadConfig({ PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' });
const clock = new AdjustableClock();
const context = { config, clock };
let counter = 0;
const unique = (prefix: string) => `${prefix}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
});
afterEach(async () => {
  const verification = await verifyLedger(database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
  // `payouts verify`: the payout invariants too.
  const payoutChecks = await verifyPayouts(database.db);
  expect(payoutChecks.checks.filter((check) => !check.ok)).toEqual([]);
});
afterAll(async () => {
  await database?.close();
});

type State = 'held' | 'ready' | 'reserved' | 'processing' | 'paid';

async function pay(creatorId: string, amount: bigint, options: { daysAgo?: number } = {}) {
  const paidAt = new Date(clock.now().getTime() - (options.daysAgo ?? 0) * DAY);
  const { payment } = await database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId: unique('pi'), amount, currency: 'eur', paidAt, actor: 'stripe', stripePaymentIntentId: null }, context));
  return payment;
}

/** A creator with one payment of `amount` whose creator share is in `state`. */
async function paymentIn(state: State, amount = 10000n) {
  const { creatorId } = await insertCreator(database.db);
  const payment = await pay(creatorId, amount, { daysAgo: state === 'held' ? 0 : 30 });
  if (state !== 'held') await releaseDuePayments(database.db, { actor: 'system:test' }, context);
  let payoutId: string | undefined;
  if (state === 'reserved' || state === 'processing' || state === 'paid') {
    const { payout } = await database.db.transaction((tx) => createPayout(tx, { creatorId, amount: payment.creatorAmount, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context));
    payoutId = payout.id;
  }
  if (state === 'processing' || state === 'paid') {
    await database.db.transaction(async (tx) => startProcessing(tx, await lockPayout(tx, payoutId!), { actor: 'user:admin', stripeAccountId: 'acct_test', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now()));
  }
  if (state === 'paid') {
    await database.db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payoutId!), { actor: 'user:admin', transferId: unique('tr') }, clock.now()));
  }
  return { creatorId, payment, payoutId };
}

const kinds = ['held', 'available', 'reserved', 'frozen', 'paid', 'receivable'] as const;
async function creatorBalances(creatorId: string) {
  const all = await balances(database.db, kinds.map((k) => creatorAccount(creatorId, k, 'eur')));
  return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, 'eur').code) ?? 0n])) as Record<(typeof kinds)[number], bigint>;
}
async function platformBalances() {
  const list = ['stripe_balance', 'fees', 'refunds', 'dispute_losses'] as const;
  const all = await balances(database.db, list.map((k) => platformAccount(k, 'eur')));
  return Object.fromEntries(list.map((k) => [k, all.get(platformAccount(k, 'eur').code) ?? 0n])) as Record<(typeof list)[number], bigint>;
}
async function paymentRow(id: string) {
  const [row] = await database.db.select().from(payments).where(eq(payments.id, id));
  return row!;
}
const refund = (paymentId: string, amount: bigint, id = unique('re')) =>
  database.db.transaction((tx) => applyRefund(tx, { paymentId, stripeRefund: { id, amount, currency: 'eur' }, source: 'webhook', actor: 'stripe' }, context));
const dispute = (paymentId: string, amount = 10000n, id = unique('dp')) =>
  database.db.transaction((tx) => openDispute(tx, { paymentId, dispute: { id, amount, currency: 'eur', reason: 'fraudulent' }, actor: 'stripe' }, context));
const close = (disputeId: string, outcome: 'won' | 'lost', feePayer: DisputeFeePayer = 'platform', disputeFee: bigint | null = null) =>
  database.db.transaction((tx) => closeDispute(tx, { disputeId, outcome, feePayer, disputeFee, actor: 'stripe' }, context));

const zero = { held: 0n, available: 0n, reserved: 0n, frozen: 0n, paid: 0n, receivable: 0n };

describe(`refunds × payment state on ${testDatabaseKind}`, () => {
  // | state | full refund of 100.00: creator balances after | payment |
  const full: Array<[State, Partial<typeof zero>]> = [
    ['held', {}],
    ['ready', {}],
    ['reserved', { reserved: 9000n, receivable: 9000n }],
    ['processing', { reserved: 9000n, receivable: 9000n }],
    ['paid', { paid: 9000n, receivable: 9000n }],
  ];
  it.each(full)('a full refund of a %s payment: %o, CANCELLED', async (state, expected) => {
    const { creatorId, payment } = await paymentIn(state);
    const before = await platformBalances();
    const result = await refund(payment.id, 10000n);
    expect(result.outcome).toBe('applied');
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, ...expected });
    const after = await platformBalances();
    // Cash out 100.00; the fee 10.00 given up; `refunds` nets to zero.
    expect([after.stripe_balance - before.stripe_balance, after.fees - before.fees, after.refunds - before.refunds]).toEqual([-10000n, -1000n, 0n]);
    const row = await paymentRow(payment.id);
    expect([row.status, row.refundedAmount]).toEqual(['CANCELLED', 10000n]);
    if (result.outcome === 'applied') expect([result.refund.creatorPart, result.refund.feePart]).toEqual([9000n, 1000n]);
  });

  // | state | refund of 50.00 (creator part 45.00) | payment status after |
  const partial: Array<[State, Partial<typeof zero>, string]> = [
    ['held', { held: 4500n }, 'HELD'],
    ['ready', { available: 4500n }, 'READY'],
    ['reserved', { reserved: 9000n, receivable: 4500n }, 'READY'],
    ['processing', { reserved: 9000n, receivable: 4500n }, 'PROCESSING'],
    ['paid', { paid: 9000n, receivable: 4500n }, 'PAID'],
  ];
  it.each(partial)('a partial refund of a %s payment: %o, stays %s', async (state, expected, status) => {
    const { creatorId, payment } = await paymentIn(state);
    await refund(payment.id, 5000n);
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, ...expected });
    const row = await paymentRow(payment.id);
    expect([row.status, row.refundedAmount]).toEqual([status, 5000n]);
  });

  it('the payout of a refunded payment still pays the reserved money; the debt is then recovered from the next earnings', async () => {
    const { creatorId, payment, payoutId } = await paymentIn('processing');
    await refund(payment.id, 10000n);
    await database.db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payoutId!), { actor: 'stripe', transferId: unique('tr') }, clock.now()));
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, paid: 9000n, receivable: 9000n });
    // Next earnings: 50.00 (45.00 share) pays down 45.00 of the debt, then 100.00 (90.00) the rest.
    await pay(creatorId, 5000n, { daysAgo: 30 });
    const first = await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect(first.recoveredTotal).toBe(4500n);
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, paid: 9000n, receivable: 4500n });
    await pay(creatorId, 10000n, { daysAgo: 30 });
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, paid: 9000n, available: 4500n });
    // The creator sees the debt and each recovery.
    const view = await getCreatorBalance(database.db, { creatorId });
    expect(view.debt).toBe(0n);
    expect(view.recoveries.map((r) => [r.via, r.amount])).toEqual([
      ['earnings', 4500n],
      ['earnings', 4500n],
    ]);
    // A payout can now only take what is really the creator's.
    await expect(database.db.transaction((tx) => createPayout(tx, { creatorId, amount: 4501n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context))).rejects.toMatchObject({
      code: 'PAYOUT_INSUFFICIENT_BALANCE',
    });
  });

  it('partial refunds in a row: the parts sum to the refunds, and a full refund in parts takes exactly the share and the fee', async () => {
    // 9.99 with a 10 % fee: fee 1.00, creator 8.99 — three refunds of 3.33 each.
    const { creatorId } = await insertCreator(database.db);
    const payment = await pay(creatorId, 999n, { daysAgo: 30 });
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect([payment.feeAmount, payment.creatorAmount]).toEqual([100n, 899n]);
    const parts = [];
    for (const amount of [333n, 333n, 333n]) {
      const result = await refund(payment.id, amount);
      if (result.outcome !== 'applied') throw new Error(result.outcome);
      expect(result.refund.creatorPart + result.refund.feePart).toBe(amount);
      parts.push([result.refund.creatorPart, result.refund.feePart]);
    }
    // round_half_up(333 × 899 / 999) = 300 (299.67), 666 → 599 (599.33), 999 → 899.
    expect(parts).toEqual([
      [300n, 33n],
      [299n, 34n],
      [300n, 33n],
    ]);
    expect(await creatorBalances(creatorId)).toEqual(zero);
    expect((await paymentRow(payment.id)).status).toBe('CANCELLED');
  });

  it('a HELD payment partly refunded releases only what is left of its share', async () => {
    const { creatorId, payment } = await paymentIn('held');
    await refund(payment.id, 3333n); // creator part round(3333 × 0.9) = 3000 (2999.7)
    expect((await creatorBalances(creatorId)).held).toBe(6000n);
    clock.advance(8 * 86_400); // (the clock only moves forward; other tests date their payments from it)
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, available: 6000n });
    expect((await paymentRow(payment.id)).status).toBe('READY');
  });

  it('is idempotent per refund id, and refuses more than the payment', async () => {
    const { creatorId, payment } = await paymentIn('ready');
    const id = unique('re');
    expect((await refund(payment.id, 4000n, id)).outcome).toBe('applied');
    expect((await refund(payment.id, 4000n, id)).outcome).toBe('duplicate');
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, available: 5400n });
    await expect(refund(payment.id, 6001n)).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAYMENT' });
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, payment.id));
    expect(audit.filter((a) => a.action === 'payment.refunded')).toHaveLength(1);
    const messages = await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment.refunded:${id}`));
    expect(messages).toHaveLength(1);
  });
});

describe(`disputes × payment state on ${testDatabaseKind}`, () => {
  // | state | frozen from | creator balances while open |
  const open: Array<[State, Partial<typeof zero>]> = [
    ['held', { frozen: 9000n }],
    ['ready', { frozen: 9000n }],
    ['reserved', { frozen: 9000n, reserved: 9000n, receivable: 9000n }],
    ['processing', { frozen: 9000n, reserved: 9000n, receivable: 9000n }],
    ['paid', { frozen: 9000n, paid: 9000n, receivable: 9000n }],
  ];
  it.each(open)('a dispute on a %s payment freezes the share: %o', async (state, expected) => {
    const { creatorId, payment } = await paymentIn(state);
    const opened = await dispute(payment.id);
    expect(opened.outcome).toBe('opened');
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, ...expected });
    expect((await paymentRow(payment.id)).status).toBe('DISPUTED');
    const messages = await database.db.select().from(outboxMessages).where(eq(outboxMessages.recipient, 'admins'));
    expect(messages.some((m) => m.topic === 'alert.dispute_created' && (m.payload as { paymentId: string }).paymentId === payment.id)).toBe(true);
    // An alert while the dispute is open (docs/alerts.md).
    const disputeId = (opened as { dispute: { id: string } }).dispute.id;
    expect(await database.db.select().from(alerts).where(eq(alerts.fingerprint, `dispute_created:${disputeId}`))).toMatchObject([{ status: 'OPEN', severity: 'critical' }]);
  });

  // | state | won: creator balances after | payment status |
  const won: Array<[State, Partial<typeof zero>, string]> = [
    ['held', { held: 9000n }, 'HELD'],
    ['ready', { available: 9000n }, 'READY'],
    ['reserved', { reserved: 9000n }, 'READY'],
    ['processing', { reserved: 9000n }, 'PROCESSING'],
    ['paid', { paid: 9000n }, 'PAID'],
  ];
  it.each(won)('won on a %s payment: %o, back to %s', async (state, expected, status) => {
    const { creatorId, payment } = await paymentIn(state);
    const { dispute: row } = (await dispute(payment.id)) as { dispute: { id: string } };
    const before = await platformBalances();
    await close(row.id, 'won');
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, ...expected });
    expect((await paymentRow(payment.id)).status).toBe(status);
    expect(await platformBalances()).toEqual(before);
    // The dispute is over: its alert resolves itself.
    expect(await database.db.select().from(alerts).where(eq(alerts.fingerprint, `dispute_created:${row.id}`))).toMatchObject([{ status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the dispute was won' }]);
    // Closed once.
    expect((await close(row.id, 'won')).outcome).toBe('duplicate');
  });

  // | state | fee payer | lost: creator balances after |
  const lost: Array<[State, DisputeFeePayer, Partial<typeof zero>]> = [
    ['held', 'platform', {}],
    ['ready', 'creator', { receivable: 1500n }],
    ['reserved', 'platform', { reserved: 9000n, receivable: 9000n }],
    ['processing', 'creator', { reserved: 9000n, receivable: 10500n }],
    ['paid', 'platform', { paid: 9000n, receivable: 9000n }],
    ['paid', 'creator', { paid: 9000n, receivable: 10500n }],
  ];
  it.each(lost)('lost on a %s payment, fee paid by the %s: %o, CANCELLED', async (state, feePayer, expected) => {
    const { creatorId, payment } = await paymentIn(state);
    const { dispute: row } = (await dispute(payment.id)) as { dispute: { id: string } };
    const before = await platformBalances();
    await close(row.id, 'lost', feePayer);
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, ...expected });
    const after = await platformBalances();
    // Cash out: the amount and the 15.00 fee; the platform gives up its 10.00 fee, and bears the dispute fee or not.
    expect({
      cash: after.stripe_balance - before.stripe_balance,
      fees: after.fees - before.fees,
      losses: after.dispute_losses - before.dispute_losses,
    }).toEqual({ cash: -11500n, fees: -1000n, losses: feePayer === 'platform' ? 1500n : 0n });
    const row2 = await paymentRow(payment.id);
    expect([row2.status, row2.refundedAmount]).toEqual(['CANCELLED', 10000n]);
    const [stored] = await database.db.select().from(paymentDisputes).where(eq(paymentDisputes.id, row.id));
    expect([stored!.status, stored!.disputeFee, stored!.feePayer]).toEqual(['lost', 1500n, feePayer]);
    // The opening's alert resolved, a loss's alert opened in its place.
    const raised = await database.db.select().from(alerts).where(inArray(alerts.fingerprint, [`dispute_created:${row.id}`, `dispute_lost:${row.id}`]));
    expect(raised.map((a) => [a.type, a.status]).sort()).toEqual([
      ['dispute_created', 'RESOLVED'],
      ['dispute_lost', 'OPEN'],
    ]);
  });

  it('won after the hold has passed: the share goes to available and the payment is READY', async () => {
    const { creatorId, payment } = await paymentIn('held');
    const { dispute: row } = (await dispute(payment.id)) as { dispute: { id: string } };
    clock.advance(8 * 86_400);
    // The release sweep leaves a DISPUTED payment alone.
    expect((await releaseDuePayments(database.db, { actor: 'system:test' }, context)).payments.map((p) => p.id)).not.toContain(payment.id);
    await close(row.id, 'won');
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, available: 9000n });
    const after = await paymentRow(payment.id);
    expect([after.status, after.releasedAt !== null]).toEqual(['READY', true]);
  });

  it('a DISPUTED payment is not allocated to a payout; a dispute on a partly refunded payment freezes what is left', async () => {
    const { creatorId } = await insertCreator(database.db);
    const disputed = await pay(creatorId, 10000n, { daysAgo: 30 });
    await pay(creatorId, 5000n, { daysAgo: 29 });
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    await refund(disputed.id, 2000n); // creator part 1800: available 9000 + 4500 − 1800 = 11700
    await dispute(disputed.id, 8000n); // freezes 7200 (9000 − 1800)
    expect(await creatorBalances(creatorId)).toEqual({ ...zero, available: 4500n, frozen: 7200n });
    const { allocations } = await database.db.transaction((tx) => createPayout(tx, { creatorId, amount: 4500n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context));
    expect(allocations.map((a) => a.paymentId)).not.toContain(disputed.id);
    // A refund of a disputed payment waits for the dispute to close.
    await expect(refund(disputed.id, 1000n)).rejects.toMatchObject({ code: 'PAYMENT_DISPUTED' });
  });

  it('a won dispute cancels a debt that was meanwhile repaid into available', async () => {
    const { creatorId, payment } = await paymentIn('processing');
    const { dispute: row } = (await dispute(payment.id)) as { dispute: { id: string } };
    // The debt (9000) is repaid from new earnings while the dispute is open…
    await pay(creatorId, 10000n, { daysAgo: 30 });
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect((await creatorBalances(creatorId)).receivable).toBe(0n);
    // … so winning gives the creator the money back in `available`.
    await close(row.id, 'won');
    const after = await creatorBalances(creatorId);
    expect([after.receivable, after.frozen, after.available]).toEqual([0n, 0n, 9000n]);
  });

  it('the admin hold (disputeRequested) keeps a payment out of release and allocation, audited', async () => {
    const { creatorId } = await insertCreator(database.db);
    const held = await pay(creatorId, 10000n, { daysAgo: 30 });
    await database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: held.id, disputeRequested: true, reason: 'customer complaint', actor: 'user:admin' }, context));
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect((await paymentRow(held.id)).status).toBe('HELD');
    await database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: held.id, disputeRequested: false, actor: 'user:admin' }, context));
    await releaseDuePayments(database.db, { actor: 'system:test' }, context);
    expect((await paymentRow(held.id)).status).toBe('READY');
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, held.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['payment.dispute_requested', 'payment.dispute_cleared']));
    expect((await creatorBalances(creatorId)).available).toBe(9000n);
  });
});
