import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database, DbExecutor } from '../../db/database.js';
import { verifyLedger } from '../../ledger/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { createPayout, type Payout } from './create-payout.js';
import { postPayoutStep } from './payout-ledger.js';
import { cancelPayout, failPayout, lockPayout, recordAttemptFailure, recordTransferMade, startProcessing } from './payout-lifecycle.js';
import { formatPayoutVerification, verifyPayouts } from './verify-payouts.js';

let database: Database;
const config = loadConfig({ PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' });
const clock = new AdjustableClock();
const context = { config, clock };

/** The payouts of the clean scenario, one in each state that matters. */
let creatorId: string;
let paymentIds: string[];
const payouts: Record<'pending' | 'processing' | 'paid' | 'cancelled' | 'failed' | 'reversed', Payout> = {} as never;

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 4 });
  ({ creatorId } = await insertCreator(database.db));
  paymentIds = [];
  // Six payments of 100.00: the creator's share of each is 90.00.
  for (let i = 0; i < 6; i++) {
    const paidAt = new Date(clock.now().getTime() - (30 - i) * 86_400_000);
    const { payment } = await database.db.transaction((tx) =>
      recordPayment(tx, { creatorId, externalId: `pi_verify_${i}`, amount: 10_000n, currency: 'eur', paidAt, actor: 'stripe' }, context),
    );
    paymentIds.push(payment.id);
  }
  await releaseDuePayments(database.db, { actor: 'system:test' }, context);

  const now = () => clock.now();
  const make = (amount: bigint, origin: 'request' | 'automatic' = 'automatic') =>
    database.db.transaction(async (tx) => (await createPayout(tx, { creatorId, amount, currency: 'eur', origin, status: 'PENDING', actor: 'system:test' }, context)).payout);
  const start = (payout: Payout) =>
    database.db.transaction(async (tx) => startProcessing(tx, await lockPayout(tx, payout.id), { actor: 'system:test', stripeAccountId: 'acct_verify', awaitsBankPayout: false, leaseSeconds: 60 }, now()));
  const transfer = (payout: Payout, transferId: string) => database.db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payout.id), { actor: 'system:test', transferId }, now()));

  payouts.paid = await make(9000n);
  await start(payouts.paid);
  payouts.paid = await transfer(payouts.paid, 'tr_verify_paid');

  payouts.cancelled = await make(4000n, 'request');
  payouts.cancelled = await database.db.transaction(async (tx) => cancelPayout(tx, await lockPayout(tx, payouts.cancelled.id), { actor: 'user:admin', reason: 'test', reviewed: true }, now()));

  payouts.failed = await make(9000n);
  await start(payouts.failed);
  payouts.failed = (
    await database.db.transaction(async (tx) =>
      recordAttemptFailure(tx, await lockPayout(tx, payouts.failed.id), { actor: 'system:test', code: 'account_invalid', message: 'no such account' }, config.payoutRetry, now()),
    )
  ).payout;

  payouts.reversed = await make(9000n);
  await start(payouts.reversed);
  await transfer(payouts.reversed, 'tr_verify_reversed');
  payouts.reversed = await database.db.transaction(async (tx) =>
    failPayout(tx, await lockPayout(tx, payouts.reversed.id), { actor: 'stripe', code: 'account_closed', message: 'closed', moneyBack: 'reversal' }, now()),
  );

  // Split across payments: 90.00 + 45.00.
  payouts.processing = await make(13_500n);
  payouts.processing = await start(payouts.processing);
  payouts.pending = await make(4500n, 'request');
});
afterAll(async () => {
  await database?.close();
});

class Rollback extends Error {}

/** Break something inside a transaction, verify there, and roll it back: each case starts from the clean scenario. */
async function failingChecksAfter(corrupt: (tx: DbExecutor) => Promise<unknown>): Promise<{ names: string[]; report: string }> {
  let outcome: { names: string[]; report: string } | undefined;
  await database.db
    .transaction(async (tx) => {
      await corrupt(tx);
      const verification = await verifyPayouts(tx);
      outcome = { names: verification.checks.filter((c) => !c.ok).map((c) => c.name), report: formatPayoutVerification(verification) };
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return outcome!;
}

describe(`payouts verify on ${testDatabaseKind}`, () => {
  it('passes on payouts in every state, with the ledger', async () => {
    expect(Object.values(payouts).map((p) => p.status).sort()).toEqual(['CANCELLED', 'FAILED', 'FAILED', 'PAID', 'PENDING', 'PROCESSING']);
    const verification = await verifyPayouts(database.db);
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.checks.length).toBeGreaterThanOrEqual(10);
    expect(formatPayoutVerification(verification)).toMatch(/^ok {3}every payout reserved exactly its amount$/m);
    expect(formatPayoutVerification(verification)).toMatch(/Payouts verified: all \d+ invariants hold\.$/);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  const cases: Array<[string, (tx: DbExecutor) => Promise<unknown>, string[]]> = [
    [
      "a payout's amount no longer matching its reservation",
      (tx) => tx.execute(sql`update payouts set amount = amount + 1 where id = ${payouts.pending.id}`),
      ['every payout reserved exactly its amount', "each creator's reserved balance equals their open payouts not yet transferred", 'every payout is covered by payments for exactly its amount (none once FAILED or CANCELLED)'],
    ],
    [
      'a PAID payout without a transfer entry',
      (tx) => tx.execute(sql`update payouts set status = 'PAID' where id = ${payouts.pending.id}`),
      ['PAID payouts have a transfer entry and no release or reversal', "each creator's reserved balance equals their open payouts not yet transferred"],
    ],
    [
      'a FAILED payout whose transfer was never reversed',
      (tx) => tx.execute(sql`update payouts set status = 'FAILED' where id = ${payouts.paid.id}`),
      ['FAILED and CANCELLED payouts gave their money back (a release, or a transfer and its reversal)', 'every payout is covered by payments for exactly its amount (none once FAILED or CANCELLED)'],
    ],
    [
      'a released payout that is open again',
      (tx) => tx.execute(sql`update payouts set status = 'PENDING' where id = ${payouts.failed.id}`),
      ['open payouts still hold their money (no release or reversal; no transfer before PROCESSING)', "each creator's reserved balance equals their open payouts not yet transferred", 'every payout is covered by payments for exactly its amount (none once FAILED or CANCELLED)'],
    ],
    [
      'a reserved balance that open payouts do not explain',
      (tx) => tx.execute(sql`update ledger_balances set balance = balance + 100 where account_code = ${`creator:${creatorId}:reserved:eur`}`),
      ["each creator's reserved balance equals their open payouts not yet transferred"],
    ],
    [
      'a transfer entry that moved more than the payout',
      async (tx) => {
        const { rows } = await tx.execute<{ id: string }>(sql`select id::text from ledger_entries where idempotency_key = ${`payout:${payouts.paid.id}:transfer`}`);
        await tx.execute(sql`insert into ledger_postings (entry_id, account_code, currency, amount) values (${rows[0]!.id}::bigint, ${`creator:${creatorId}:reserved:eur`}, 'eur', 1)`);
      },
      ["every release, transfer and reversal of a payout moved the payout's amount"],
    ],
    [
      'a payout ledger entry for a payout that does not exist',
      (tx) => postPayoutStep(tx, { id: 'po_doesnotexist', creatorId, amount: 100n, currency: 'eur' }, 'reserve', clock.now()),
      ['every payout ledger entry belongs to a payout', "each creator's reserved balance equals their open payouts not yet transferred"],
    ],
    [
      'a payment allocated beyond its share',
      (tx) => tx.execute(sql`insert into payout_payments (payout_id, payment_id, amount, currency) values (${payouts.cancelled.id}, ${paymentIds[0]}, 100, 'eur')`),
      ["no payment's live allocations exceed its creator share", 'every payout is covered by payments for exactly its amount (none once FAILED or CANCELLED)', "payments' allocated amount equals the sum of their live allocations"],
    ],
    [
      'a share paid twice',
      (tx) => tx.execute(sql`update payments set creator_amount = creator_amount - 1, fee_amount = fee_amount + 1 where id = ${paymentIds[0]}`),
      ["no payment's live allocations exceed its creator share", 'no creator share is paid twice (PAID allocations within the share)'],
    ],
    [
      "a payment's allocated amount out of step with its allocations",
      (tx) => tx.execute(sql`update payments set allocated_amount = allocated_amount + 1 where id = ${paymentIds[5]}`),
      ["payments' allocated amount equals the sum of their live allocations"],
    ],
    [
      'a payout covering less than its amount',
      (tx) => tx.execute(sql`update payout_payments set released_at = now() where payout_id = ${payouts.processing.id} and payment_id = ${paymentIds[2]}`),
      ['every payout is covered by payments for exactly its amount (none once FAILED or CANCELLED)', "payments' allocated amount equals the sum of their live allocations"],
    ],
  ];

  it.each(cases)('fails on %s', async (_name, corrupt, expected) => {
    const { names, report } = await failingChecksAfter(corrupt);
    expect(names.sort()).toEqual([...expected].sort());
    expect(report).toMatch(/Payout verification FAILED: \d+ of \d+ invariants broken\./);
    for (const name of expected) expect(report).toContain(`FAIL ${name}`);
  });
});
