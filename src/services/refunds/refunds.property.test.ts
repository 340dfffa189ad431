import { eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { paymentDisputes, payments } from '../../db/schema/index.js';
import { isAppError } from '../../domain/errors/index.js';
import { creatorNetShare } from '../../domain/payments/refund-split.js';
import { balances, creatorAccount, platformAccount, verifyLedger } from '../../ledger/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { createPayout } from '../payouts/create-payout.js';
import { verifyPayouts } from '../payouts/verify-payouts.js';
import { cancelPayout, failPayout, lockPayout, recordTransferMade, startProcessing } from '../payouts/payout-lifecycle.js';
import { applyRefund } from './apply-refund.js';
import { closeDispute, openDispute } from './disputes.js';

/**
 * Random interleavings of payments, releases, the passing of holds, payout creation /
 * processing / transfer / failure / cancellation, refunds (partial and full) and disputes
 * (opened, won, lost with either fee payer), on the real services. After every step, for the
 * run's creator (E = Σ creator shares − Σ refunded creator parts − Σ lost disputes' creator parts
 * − Σ dispute fees charged to the creator, computed from the steps' own results):
 *
 *   held + available + reserved + frozen + paid − receivable = E          (nothing created or lost)
 *   paid ≤ E + receivable                                                  (never paid more than net
 *                                                                           earnings, except the debt
 *                                                                           the ledger records and recovers)
 *   held = Σ creatorNetShare of the HELD payments;  frozen = Σ creator parts of open disputes
 *
 * and for the platform (all runs together): `refunds` = 0 (every refund recovered), dispute
 * losses = the fees the platform bore, `stripe_balance` = Σ amounts − Σ refunds − Σ lost
 * disputes − Σ dispute fees − Σ creators' `paid`. Every ledger invariant (`verifyLedger`) at the end of each run.
 */
let database: Database;
const config = loadConfig({ PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' });
const clock = new AdjustableClock();
const context = { config, clock };
let seq = 0;
const platform = { received: 0n, refunded: 0n, lost: 0n, disputeFees: 0n, platformFees: 0n, paid: 0n };
const creatorsPaid: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
});
afterAll(async () => {
  await database?.close();
});

type Step =
  | { t: 'pay'; amount: bigint; old: boolean }
  | { t: 'release' }
  | { t: 'advance' }
  | { t: 'payout'; percent: number }
  | { t: 'process'; i: number }
  | { t: 'transfer'; i: number }
  | { t: 'fail'; i: number }
  | { t: 'refund'; i: number; percent: number }
  | { t: 'dispute'; i: number }
  | { t: 'close'; i: number; won: boolean; creatorPays: boolean };

const index = fc.nat({ max: 9 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('pay' as const), amount: fc.bigInt({ min: 1n, max: 30_000n }), old: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('advance' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('payout' as const), percent: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('process' as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('transfer' as const), i: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('fail' as const), i: index }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('refund' as const), i: index, percent: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('dispute' as const), i: index }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('close' as const), i: index, won: fc.boolean(), creatorPays: fc.boolean() }) },
);

/** Refusals the services give for steps that do not fit the state: the step is a no-op. */
const expectedRefusals = new Set([
  'PAYOUT_INSUFFICIENT_BALANCE',
  'PAYOUT_FUNDS_ON_HOLD',
  'PAYOUT_INVALID_TRANSITION',
  'PAYOUT_INVALID_AMOUNT',
  'PAYMENT_DISPUTED',
  'PAYMENT_ALREADY_DISPUTED',
]);

async function tolerate(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (isAppError(error) && expectedRefusals.has(error.code)) return;
    throw error;
  }
}

const pick = <T>(list: T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);

async function runSteps(steps: Step[]): Promise<void> {
  const run = ++seq;
  const { creatorId } = await insertCreator(database.db);
  creatorsPaid.push(creatorId);
  const paymentIds: string[] = [];
  const payoutIds: string[] = [];
  const disputeIds: string[] = [];
  let earnings = 0n;
  const db = database.db;

  for (const [n, s] of steps.entries()) {
    const now = () => clock.now();
    switch (s.t) {
      case 'pay': {
        const paidAt = new Date(now().getTime() - (s.old ? 30 : 0) * 86_400_000);
        const { payment } = await db.transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_prop_${run}_${n}`, amount: s.amount, currency: 'eur', paidAt, actor: 'stripe' }, context));
        paymentIds.push(payment.id);
        earnings += payment.creatorAmount;
        platform.received += payment.amount;
        break;
      }
      case 'release':
        await releaseDuePayments(db, { actor: 'system:test' }, context);
        break;
      case 'advance':
        clock.advance(8 * 86_400);
        break;
      case 'payout': {
        const available = (await balances(db, [creatorAccount(creatorId, 'available', 'eur')])).get(creatorAccount(creatorId, 'available', 'eur').code) ?? 0n;
        const amount = (available * BigInt(s.percent)) / 100n;
        await tolerate(async () => {
          const { payout } = await db.transaction((tx) => createPayout(tx, { creatorId, amount, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:test' }, context));
          payoutIds.push(payout.id);
        });
        break;
      }
      case 'process': {
        const id = pick(payoutIds, s.i);
        if (id) await tolerate(() => db.transaction(async (tx) => startProcessing(tx, await lockPayout(tx, id), { actor: 'system:test', stripeAccountId: 'acct_prop', awaitsBankPayout: false, leaseSeconds: 60 }, now())));
        break;
      }
      case 'transfer': {
        const id = pick(payoutIds, s.i);
        if (id) await tolerate(() => db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, id), { actor: 'stripe', transferId: `tr_prop_${id}` }, now())));
        break;
      }
      case 'fail': {
        const id = pick(payoutIds, s.i);
        if (!id) break;
        await db.transaction(async (tx) => {
          const payout = await lockPayout(tx, id);
          if (payout.status === 'PENDING') await cancelPayout(tx, payout, { actor: 'system:test', reason: 'property test' }, now());
          else if (payout.status === 'PROCESSING') await failPayout(tx, payout, { actor: 'stripe', code: 'test_failure', message: 'property test', moneyBack: 'release' }, now());
          else if (payout.status === 'PAID') await failPayout(tx, payout, { actor: 'stripe', code: 'transfer_reversed', message: 'property test', moneyBack: 'reversal' }, now());
        });
        break;
      }
      case 'refund': {
        const id = pick(paymentIds, s.i);
        if (!id) break;
        const [payment] = await db.select().from(payments).where(eq(payments.id, id));
        const left = payment!.amount - payment!.refundedAmount;
        const amount = (left * BigInt(s.percent) + 99n) / 100n;
        if (amount <= 0n) break;
        await tolerate(async () => {
          const result = await db.transaction((tx) => applyRefund(tx, { paymentId: id, stripeRefund: { id: `re_prop_${run}_${n}`, amount, currency: 'eur' }, source: 'webhook', actor: 'stripe' }, context));
          if (result.outcome === 'applied') {
            earnings -= result.refund.creatorPart;
            platform.refunded += amount;
          }
        });
        break;
      }
      case 'dispute': {
        const id = pick(paymentIds, s.i);
        if (!id) break;
        const [payment] = await db.select().from(payments).where(eq(payments.id, id));
        await tolerate(async () => {
          const result = await db.transaction((tx) => openDispute(tx, { paymentId: id, dispute: { id: `dp_prop_${run}_${n}`, amount: payment!.amount, currency: 'eur' }, actor: 'stripe' }, context));
          if (result.outcome === 'opened') disputeIds.push(result.dispute.id);
        });
        break;
      }
      case 'close': {
        const id = pick(disputeIds, s.i);
        if (!id) break;
        const feePayer = s.creatorPays ? 'creator' : 'platform';
        const result = await db.transaction((tx) => closeDispute(tx, { disputeId: id, outcome: s.won ? 'won' : 'lost', feePayer, actor: 'stripe' }, context));
        if (result.outcome === 'closed' && !s.won) {
          earnings -= result.dispute.creatorPart;
          platform.lost += result.dispute.amount;
          platform.disputeFees += result.dispute.disputeFee!;
          if (feePayer === 'creator') earnings -= result.dispute.disputeFee!;
          else platform.platformFees += result.dispute.disputeFee!;
        }
        break;
      }
    }
    await checkInvariants(creatorId, earnings);
  }
  const verification = await verifyLedger(database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
  const payoutChecks = await verifyPayouts(database.db);
  expect(payoutChecks.checks.filter((check) => !check.ok)).toEqual([]);
}

async function checkInvariants(creatorId: string, earnings: bigint): Promise<void> {
  const kinds = ['held', 'available', 'reserved', 'frozen', 'paid', 'receivable'] as const;
  const all = await balances(database.db, kinds.map((k) => creatorAccount(creatorId, k, 'eur')));
  const b = Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, 'eur').code) ?? 0n])) as Record<(typeof kinds)[number], bigint>;
  expect(b.held + b.available + b.reserved + b.frozen + b.paid - b.receivable).toBe(earnings);
  expect(b.paid <= earnings + b.receivable).toBe(true);

  const mine = await database.db.select().from(payments).where(eq(payments.creatorId, creatorId));
  const heldShares = mine.filter((p) => p.status === 'HELD').reduce((sum, p) => sum + creatorNetShare(p, p.refundedAmount), 0n);
  expect(b.held).toBe(heldShares);
  const ids = mine.map((p) => p.id);
  const open = ids.length === 0 ? [] : await database.db.select().from(paymentDisputes).where(inArray(paymentDisputes.paymentId, ids));
  expect(b.frozen).toBe(open.filter((d) => d.status === 'open').reduce((sum, d) => sum + d.creatorPart, 0n));

  const platformKinds = ['stripe_balance', 'refunds', 'dispute_losses'] as const;
  const p = await balances(database.db, platformKinds.map((k) => platformAccount(k, 'eur')));
  const of = (k: (typeof platformKinds)[number]) => p.get(platformAccount(k, 'eur').code) ?? 0n;
  expect(of('refunds')).toBe(0n);
  expect(of('dispute_losses')).toBe(platform.platformFees);
  const paidAll = await balances(database.db, creatorsPaid.map((c) => creatorAccount(c, 'paid', 'eur')));
  const paidSum = [...paidAll.values()].reduce((sum, v) => sum + v, 0n);
  expect(of('stripe_balance')).toBe(platform.received - platform.refunded - platform.lost - platform.disputeFees - paidSum);
}

describe(`refunds and disputes, random interleavings, on ${testDatabaseKind}`, () => {
  it('never break an invariant nor pay a creator more than net earnings less recoveries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        await runSteps(steps);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 25), endOnFailure: true },
    );
  }, 240_000);
});
