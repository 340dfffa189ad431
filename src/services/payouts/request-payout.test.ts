import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { auditEvents, outboxMessages, payments, payoutBlockedAttempts, payoutPayments, payouts } from '../../db/schema/index.js';
import { isAppError } from '../../domain/errors/index.js';
import { balances, creatorAccount, verifyLedger } from '../../ledger/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { cancelPayout, lockPayout } from './payout-lifecycle.js';
import { requestPayout, type RequestPayoutInput } from './request-payout.js';

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

const DAY = 86_400_000;
let counter = 0;

/**
 * A connected creator (a year old unless said otherwise) whose payments of `grossAmounts` (10 %
 * fee) are READY, recorded one day apart, oldest first.
 */
async function readyCreator(grossAmounts: bigint[], profile: Parameters<typeof insertCreator>[1] = {}) {
  const now = clock.now();
  const { creatorId, userId } = await insertCreator(database.db, {
    stripeAccountId: `acct_${++counter}${Math.random().toString(36).slice(2, 10)}`,
    payoutsEnabled: true,
    createdAt: new Date(now.getTime() - 365 * DAY),
    ...profile,
  });
  const paymentIds: string[] = [];
  for (const [i, amount] of grossAmounts.entries()) {
    const paidAt = new Date(now.getTime() - (30 - i) * DAY);
    const { payment } = await database.db.transaction((tx) =>
      recordPayment(tx, { creatorId, externalId: `pi_${creatorId}_${i}`, bookingId: `bk_${creatorId}_${i}`, amount, currency: 'eur', paidAt, actor: 'test' }, context),
    );
    paymentIds.push(payment.id);
  }
  await releaseDuePayments(database.db, { actor: 'test' }, context);
  return { creatorId, userId, paymentIds };
}

const request = (input: Omit<RequestPayoutInput, 'actor'>) => requestPayout(database.db, { actor: `user:${input.creatorId}`, ...input }, context);

async function creatorBalances(creatorId: string, currency = 'eur') {
  const kinds = ['available', 'reserved'] as const;
  const all = await balances(database.db, kinds.map((k) => creatorAccount(creatorId, k, currency)));
  return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, currency).code)]));
}

/** Everything a refused request must leave alone, for one creator. */
async function footprint(creatorId: string) {
  const count = async (table: string, column = 'creator_id') =>
    (await database.db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${creatorId}`)).rows[0]!.n;
  const { rows } = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from outbox_messages where payload->>'payoutId' is not null and recipient = (select 'user:' || user_id from creators where id = ${creatorId})`);
  return {
    balances: await creatorBalances(creatorId),
    payouts: await count('payouts'),
    blocked: await count('payout_blocked_attempts'),
    payoutMessages: rows[0]!.n,
    paymentStatuses: (await database.db.select({ status: payments.status, allocated: payments.allocatedAmount }).from(payments).where(eq(payments.creatorId, creatorId)).orderBy(payments.payoutReleaseDate)).map((p) => `${p.status}:${p.allocated}`),
  };
}

async function expectLedgerOk() {
  const verification = await verifyLedger(database.db);
  expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
}

describe(`requesting a payout on ${testDatabaseKind}`, () => {
  it('reserves the amount, covers the oldest payments first with a split, and tells the creator', async () => {
    // Creator shares 63.00, 90.00, 45.00 (oldest first): 126.00 covers 63.00 + 63.00 of the 90.00.
    const { creatorId, userId, paymentIds } = await readyCreator([7000n, 10000n, 5000n]);
    expect(await creatorBalances(creatorId)).toEqual({ available: 19800n, reserved: 0n });

    const result = await request({ creatorId, amount: 12600n });
    expect(result.payout).toMatchObject({ status: 'PENDING', origin: 'request', amount: 12600n, currency: 'eur', requestedBy: `user:${creatorId}`, flags: [] });
    expect(result.message).toBe('Payout request of €126.00 created successfully');
    expect(result.allocations).toEqual([
      { paymentId: paymentIds[0], amount: 6300n },
      { paymentId: paymentIds[1], amount: 6300n },
    ]);
    expect(await creatorBalances(creatorId)).toEqual({ available: 7200n, reserved: 12600n });
    const links = await database.db.select().from(payoutPayments).where(eq(payoutPayments.payoutId, result.payout.id));
    expect(links.map((l) => [l.paymentId, l.amount]).sort()).toEqual([[paymentIds[0], 6300n], [paymentIds[1], 6300n]].sort());
    const covered = await database.db.select().from(payments).where(eq(payments.creatorId, creatorId)).orderBy(payments.payoutReleaseDate);
    expect(covered.map((p) => [p.status, p.allocatedAmount])).toEqual([
      ['READY', 6300n],
      ['READY', 6300n],
      ['READY', 0n],
    ]);
    const [message] = await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payout.requested:${result.payout.id}`));
    expect(message).toMatchObject({ topic: 'payout.requested', recipient: `user:${userId}`, payload: { payoutId: result.payout.id, amount: '12600', currency: 'eur', status: 'PENDING' } });
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, result.payout.id), eq(auditEvents.action, 'payout.created')));
    expect(audit).toMatchObject({ toStatus: 'PENDING', amount: 12600n, actor: `user:${creatorId}` });
    expect(await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payout.approval_required:${result.payout.id}`))).toEqual([]);
    await expectLedgerOk();
  });

  it('says it in French for a French creator', async () => {
    const { creatorId } = await readyCreator([14000n], { locale: 'fr' });
    const result = await request({ creatorId, amount: 12600n });
    expect(result.message).toBe('Demande de paiement de 126,00\u00a0€ créée avec succès');
    await expect(request({ creatorId, amount: 100n })).rejects.toMatchObject({ code: 'PAYOUT_REQUEST_ALREADY_OPEN', message: 'Vous avez déjà une demande de paiement en EUR en cours' });
  });

  it.each([
    ['zero', { amount: 0n }, 'PAYOUT_INVALID_AMOUNT'],
    ['negative', { amount: -100 }, 'PAYOUT_INVALID_AMOUNT'],
    ['a fraction (major units sent by mistake)', { amount: 126.5 }, 'PAYOUT_INVALID_AMOUNT'],
    ['an unsafe number', { amount: 2 ** 60 }, 'PAYOUT_INVALID_AMOUNT'],
    ['below the minimum of 1.00', { amount: 99n }, 'PAYOUT_BELOW_MINIMUM'],
    ['more than the available balance (seed 000)', { amount: 6301n }, 'PAYOUT_INSUFFICIENT_BALANCE'],
  ])('refuses %s with a 400 and changes nothing', async (_name, body, code) => {
    const { creatorId } = await readyCreator([7000n]);
    const before = await footprint(creatorId);
    const error = await request({ creatorId, ...body }).catch((e: unknown) => e);
    expect(isAppError(error) && { code: error.code, kind: error.kind }).toEqual({ code, kind: 'invalid' });
    expect(await footprint(creatorId)).toEqual(before);
  });

  it('refuses a creator without a Stripe account, or whose payouts Stripe disabled (seed 000)', async () => {
    const notConnected = await readyCreator([7000n], { stripeAccountId: null });
    await expect(request({ creatorId: notConnected.creatorId, amount: 1000n })).rejects.toMatchObject({ code: 'PAYOUT_STRIPE_NOT_CONNECTED', kind: 'invalid', message: 'Connect your Stripe account to receive payouts' });
    const disabled = await readyCreator([7000n], { payoutsEnabled: false, locale: 'fr' });
    await expect(request({ creatorId: disabled.creatorId, amount: 1000n })).rejects.toMatchObject({ code: 'PAYOUT_PAYOUTS_DISABLED', kind: 'invalid', message: expect.stringMatching(/^Stripe n’autorise pas/) });
    expect((await footprint(disabled.creatorId)).payouts).toBe(0);
  });

  it('refuses a second open request in the same currency (seed 000)', async () => {
    const { creatorId } = await readyCreator([7000n, 7000n]);
    await request({ creatorId, amount: 1000n });
    const before = await footprint(creatorId);
    await expect(request({ creatorId, amount: 1000n })).rejects.toMatchObject({ code: 'PAYOUT_REQUEST_ALREADY_OPEN', kind: 'invalid' });
    expect(await footprint(creatorId)).toEqual(before);
  });

  it('records a refusal by the limit rules as a blocked attempt, and changes nothing else (seed 002 §8: 10001_00)', async () => {
    const { creatorId } = await readyCreator([1_200_000n]); // 10 800.00 available
    const before = await footprint(creatorId);
    const error = await request({ creatorId, amount: 1_000_100n }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PAYOUT_LIMIT_EXCEEDS_SINGLE', kind: 'unprocessable', message: 'A single payout cannot exceed €10,000.00', details: { rule: 'EXCEEDS_SINGLE_LIMIT', limit: 1_000_000 } });
    const after = await footprint(creatorId);
    expect(after).toEqual({ ...before, blocked: before.blocked + 1 });
    const [blocked] = await database.db.select().from(payoutBlockedAttempts).where(eq(payoutBlockedAttempts.creatorId, creatorId));
    expect(blocked).toMatchObject({ amount: 1_000_100n, currency: 'eur', code: 'EXCEEDS_SINGLE_LIMIT', reason: expect.stringContaining('€10,000.00'), limitMetadata: { isNewAccount: false, limit: 1_000_000 } });
    await expectLedgerOk();
  });

  it('refuses a new account above its limit (seed 002 §8: new user 1500_00)', async () => {
    const { creatorId } = await readyCreator([200_000n], { createdAt: new Date(clock.now().getTime() - 15 * DAY), locale: 'fr' });
    await expect(request({ creatorId, amount: 150_000n })).rejects.toMatchObject({
      code: 'PAYOUT_LIMIT_EXCEEDS_NEW_ACCOUNT',
      message: 'Pendant les 30 premiers jours de votre compte, un paiement ne peut pas dépasser 1\u202f000,00\u00a0€',
    });
    const [blocked] = await database.db.select().from(payoutBlockedAttempts).where(eq(payoutBlockedAttempts.creatorId, creatorId));
    expect(blocked).toMatchObject({ code: 'EXCEEDS_NEW_ACCOUNT_LIMIT', flags: ['NEW_ACCOUNT'], limitMetadata: { isNewAccount: true, accountAgeDays: 15 } });
    // Within the limit it goes through, flagged NEW_ACCOUNT for information only.
    const ok = await request({ creatorId, amount: 100_000n });
    expect(ok.payout).toMatchObject({ status: 'PENDING', flags: ['NEW_ACCOUNT'] });
  });

  it('puts a flagged payout in PENDING_APPROVAL with its reason and tells the admins (seed 002 §8: 6000_00)', async () => {
    const { creatorId } = await readyCreator([700_000n]); // 6 300.00 available, first payout
    const result = await request({ creatorId, amount: 600_000n });
    expect(result.payout).toMatchObject({
      status: 'PENDING_APPROVAL',
      flags: ['REQUIRES_ADMIN_APPROVAL', 'LARGE_FIRST_PAYOUT'],
      approvalReason: 'Amount €6,000.00 exceeds €5,000.00; First payout above €2,000.00',
      limitMetadata: { isNewAccount: false, accountAgeDays: 365, dailyPayoutCount: 0, dailyPayoutAmount: 0, monthlyPayoutAmount: 0, isFirstPayout: true },
    });
    expect(result.message).toBe('Payout request of €6,000.00 created successfully. Our team will review it before it is sent.');
    expect(await creatorBalances(creatorId)).toEqual({ available: 30000n, reserved: 600_000n });
    const [alert] = await database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payout.approval_required:${result.payout.id}`));
    expect(alert).toMatchObject({
      topic: 'payout.approval_required',
      recipient: 'admins',
      payload: { payoutId: result.payout.id, creatorId, amount: '600000', currency: 'eur', flags: ['REQUIRES_ADMIN_APPROVAL', 'LARGE_FIRST_PAYOUT'], reason: result.payout.approvalReason },
    });
    await expectLedgerOk();
  });

  it('loads the velocity inputs: a request right after a cancelled one is too soon, then allowed 5 minutes later', async () => {
    const { creatorId } = await readyCreator([7000n]);
    const first = await request({ creatorId, amount: 1000n });
    await database.db.transaction(async (tx) => cancelPayout(tx, await lockPayout(tx, first.payout.id), { actor: 'test', reason: 'changed my mind' }, clock.now()));
    clock.advance(60);
    const error = await request({ creatorId, amount: 2000n }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PAYOUT_LIMIT_TOO_SOON', kind: 'unprocessable', message: 'Please wait 4 minutes before requesting another payout' });
    expect((error as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBeGreaterThan(230);
    clock.advance(240);
    const second = await request({ creatorId, amount: 2000n });
    // The cancelled payout does not count as an earlier payout; the refused attempt counts towards the frequency rule.
    expect(second.limits.metadata).toMatchObject({ dailyPayoutCount: 0, isFirstPayout: true, recentRequestCount: 2 });
    expect(second.limits.metadata.secondsSinceLastRequest).toBeGreaterThanOrEqual(300);
    expect(await creatorBalances(creatorId)).toEqual({ available: 4300n, reserved: 2000n });
    await expectLedgerOk();
  });

  it('makes one payout and one reservation of two concurrent requests (a double submit)', async () => {
    const { creatorId } = await readyCreator([7000n, 7000n]);
    const results = await Promise.allSettled([request({ creatorId, amount: 5000n }), request({ creatorId, amount: 5000n })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).toMatchObject({ code: 'PAYOUT_REQUEST_ALREADY_OPEN' });
    expect(await database.db.select().from(payouts).where(eq(payouts.creatorId, creatorId))).toHaveLength(1);
    expect(await creatorBalances(creatorId)).toEqual({ available: 7600n, reserved: 5000n });
    expect(await database.db.select().from(payoutBlockedAttempts).where(eq(payoutBlockedAttempts.creatorId, creatorId))).toEqual([]);
    await expectLedgerOk();
  });

  it('refuses an unknown creator', async () => {
    await expect(request({ creatorId: 'cr_nobody', amount: 1000n })).rejects.toMatchObject({ code: 'CREATOR_NOT_FOUND', kind: 'not_found' });
  });
});
