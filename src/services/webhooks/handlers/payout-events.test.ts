import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/app.js';
import { testDatabaseKind } from '../../../../test/database.js';
import { insertCreator } from '../../../../test/fixtures.js';
import { waitFor } from '../../../../test/wait-for.js';
import { alerts, auditEvents, creatorClawbacks, creators, ledgerEntries, outboxMessages, payments, payouts, webhookEvents } from '../../../db/schema/index.js';
import { balances, creatorAccount, verifyLedger } from '../../../ledger/index.js';
import type { StripeGateway } from '../../../providers/stripe/index.js';
import type { ServiceContext } from '../../context.js';
import { recordPayment } from '../../payments/record-payment.js';
import { releaseDuePayments } from '../../payments/release-due-payments.js';
import { createPayout, type Payout } from '../../payouts/create-payout.js';
import { lockPayout, recordTransferMade, startProcessing } from '../../payouts/payout-lifecycle.js';
import { retryPayouts } from '../../payouts/retry-payouts.js';
import { retryFailedWebhookEvents } from '../retry-failed-webhook-events.js';

/**
 * The payout events (docs/webhooks.md "Payout events") end to end: payouts driven into each state
 * with the lifecycle functions, their transfers and bank payouts made in the local sandbox with
 * the real SDK, and the sandbox's own events — or, for what the sandbox never emits (the legacy
 * `transfer.failed`, a `payout.failed` after `payout.paid`), events derived from its objects —
 * posted signed to the real webhook routes, each once, twice, and out of order.
 */
type StripeEvent = Awaited<ReturnType<StripeGateway['stripe']['events']['list']>>['data'][number];
type AccountCreateParams = NonNullable<Parameters<StripeGateway['stripe']['accounts']['create']>[0]>;

let t: TestApp;
let context: ServiceContext;
const ownSecret = `whsec_test_${Math.random().toString(36).slice(2)}`;
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  // One retry of a failed bank payout, so exhaustion is reached in one test.
  t = await createTestApp({ sandbox: true, env: { PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10', PAYOUT_MAX_RETRIES: '1' } });
  apps.push(t);
  t.stripe.addWebhookSecret(ownSecret);
  context = { config: t.config, clock: t.clock, stripe: t.stripe };
  // Money in the platform's sandbox balance, available at once, to fund the transfers.
  await sdk().paymentIntents.create({ amount: 50_000_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
});

afterEach(async () => {
  const verification = await verifyLedger(t.database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
});

/** Apps opened by this file (the second describe opens one that listens). */
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) {
    expect(app.testSandbox?.violations()).toEqual([]);
    await app.close();
  }
});

const sdk = () => t.stripe.stripe;
const db = () => t.database.db;

/** A creator with an onboarded Express account (its bank account may be one of Stripe's failing test numbers) and one READY payment of 70.00 (63.00 theirs). */
async function creatorWithEarnings(bankAccountNumber = '000123456789') {
  const account = await sdk().accounts.create({
    type: 'express',
    country: 'US',
    capabilities: { transfers: { requested: true } },
    external_account: { object: 'bank_account', country: 'US', currency: 'eur', routing_number: '110000000', account_number: bankAccountNumber },
  } as AccountCreateParams);
  expect((await t.testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`)).status).toBe(200);
  const { creatorId, userId } = await insertCreator(db(), { stripeAccountId: account.id, payoutsEnabled: true, chargesEnabled: true, detailsSubmitted: true });
  const paidAt = new Date(t.clock.now().getTime() - 30 * 86_400_000);
  const { payment } = await db().transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_${creatorId}`, amount: 7000n, currency: 'eur', paidAt, actor: 'stripe' }, context));
  await releaseDuePayments(db(), { actor: 'system:test' }, context);
  return { creatorId, userId, accountId: account.id, paymentId: payment.id };
}

/** A payout of the creator's 63.00, PROCESSING (committed, as the saga's first step leaves it). */
async function processingPayout(input: { awaitsBankPayout?: boolean; bankAccountNumber?: string } = {}) {
  const creator = await creatorWithEarnings(input.bankAccountNumber);
  const payout = await db().transaction(async (tx) => {
    const { payout: created } = await createPayout(tx, { creatorId: creator.creatorId, amount: 6300n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:test' }, context);
    return startProcessing(tx, created, { actor: 'system:test', stripeAccountId: creator.accountId, awaitsBankPayout: input.awaitsBankPayout ?? false, leaseSeconds: 60 }, t.clock.now());
  });
  return { ...creator, payout };
}

/** The payout's transfer, made in the sandbox as the saga makes it (idempotency key, transfer group, metadata). */
function makeTransfer(payout: Payout) {
  return t.stripe.createTransfer({ payoutId: payout.id, amount: payout.amount, currency: payout.currency, destination: payout.stripeAccountId! });
}

async function recordTransfer(payoutId: string, transferId: string) {
  return db().transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payoutId), { actor: 'system:test', transferId }, t.clock.now()));
}

/** The event the sandbox emitted of `type` about `objectId` (a connected account's with `account`). */
async function sandboxEvent(type: string, objectId: string, account?: string): Promise<StripeEvent> {
  return waitFor(`the sandbox's ${type} for ${objectId}`, async () => {
    const list = await sdk().events.list({ type, limit: 100 }, account ? { stripeAccount: account } : {});
    return list.data.find((event) => (event.data.object as { id?: string }).id === objectId);
  });
}

/** An event of our own making, shaped as Stripe sends it (for what the sandbox never emits). */
function derivedEvent(type: string, object: Record<string, unknown>, account?: string): StripeEvent {
  return {
    id: `evt_test_${unique()}`,
    object: 'event',
    api_version: '2024-04-10',
    created: Math.floor(t.clock.now().getTime() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
    ...(account && { account }),
  } as unknown as StripeEvent;
}

/** POST the event, signed, to the webhook route (Connect events to the payouts alias, as a Connect endpoint would). */
async function deliver(event: StripeEvent) {
  const payload = JSON.stringify(event);
  const response = await t.app.inject({
    method: 'POST',
    url: event.account ? '/api/webhooks/stripe-payouts' : '/api/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': sdk().webhooks.generateTestHeaderString({ payload, secret: ownSecret }) },
    payload,
  });
  expect(response.statusCode).toBe(200);
  const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
  return { body: response.json() as { received: boolean; duplicate?: boolean }, row: row! };
}

async function payoutRow(id: string) {
  const [row] = await db().select().from(payouts).where(eq(payouts.id, id));
  return row!;
}

async function paymentStatus(id: string) {
  const [row] = await db().select({ status: payments.status }).from(payments).where(eq(payments.id, id));
  return row!.status;
}

async function creatorBalances(creatorId: string) {
  const kinds = ['available', 'reserved', 'paid'] as const;
  const all = await balances(db(), kinds.map((kind) => creatorAccount(creatorId, kind, 'eur')));
  return Object.fromEntries(kinds.map((kind) => [kind, all.get(creatorAccount(creatorId, kind, 'eur').code) ?? 0n]));
}

async function ledgerKeysOf(payoutId: string) {
  const rows = await db().select({ key: ledgerEntries.idempotencyKey }).from(ledgerEntries).where(sql`${ledgerEntries.idempotencyKey} like ${`payout:${payoutId}:%`}`);
  return rows.map((row) => row.key.split(':').at(-1)).sort();
}

async function handlerAudit(payoutId: string) {
  const rows = await db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectId, payoutId), eq(auditEvents.action, 'payout.stripe_event')))
    .orderBy(auditEvents.id);
  return rows.map((row) => [row.metadata.eventType, row.metadata.effect, row.fromStatus, row.toStatus]);
}

async function outbox(dedupeKeyPrefix: string) {
  return db().select().from(outboxMessages).where(sql`${outboxMessages.dedupeKey} like ${`${dedupeKeyPrefix}%`}`);
}

/** Move both clocks (the service's and the sandbox's) and let the sandbox apply what fell due (bank payouts arriving). */
async function advance(seconds: number) {
  t.clock.advance(seconds);
  await t.sandbox!.processDueChanges();
}

describe(`payout webhooks end to end on ${testDatabaseKind}`, () => {
  it('transfer.created records a transfer made but not recorded (the crash repair): PAID, once for any number of copies', async () => {
    const { payout, creatorId, paymentId } = await processingPayout();
    const transfer = await makeTransfer(payout);
    const created = await sandboxEvent('transfer.created', transfer.id);
    expect(created.data.object).toMatchObject({ metadata: { payoutId: payout.id }, transfer_group: `payout_${payout.id}` });

    const first = await deliver(created);
    expect(first.row).toMatchObject({ status: 'completed', error: null });
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID', stripeTransferId: transfer.id });
    expect(await paymentStatus(paymentId)).toBe('PAID');
    expect(await creatorBalances(creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 6300n });

    // The same event again, and another event about the same transfer (transfer.updated): one effect.
    expect((await deliver(created)).body).toEqual({ received: true, duplicate: true });
    await sdk().transfers.update(transfer.id, { description: 'payout to creator' });
    const updated = await deliver(await sandboxEvent('transfer.updated', transfer.id));
    expect(updated.row.status).toBe('completed');
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'transfer']);
    expect(await outbox(`payout.paid:${payout.id}`)).toHaveLength(1);
    expect(await handlerAudit(payout.id)).toEqual([
      ['transfer.created', 'transfer_recorded', 'PROCESSING', 'PAID'],
      ['transfer.updated', 'transfer_already_recorded', 'PAID', 'PAID'],
    ]);
  });

  it('a transfer naming no payout is ignored; one naming a payout we do not have is parked, then applied by the retry sweep', async () => {
    const { accountId } = await creatorWithEarnings();
    const stray = await sdk().transfers.create({ amount: 500, currency: 'eur', destination: accountId });
    const ignored = await deliver(await sandboxEvent('transfer.created', stray.id));
    expect(ignored.row).toMatchObject({ status: 'ignored', error: expect.stringContaining('names no payout of ours') });

    // The payout's row is not there when the event arrives (a restore, a lagging replica): moved aside, then back.
    const { payout } = await processingPayout();
    const transfer = await makeTransfer(payout);
    const event = await sandboxEvent('transfer.created', transfer.id);
    await hidePayout(payout.id);
    const parked = await deliver(event);
    expect(parked.row).toMatchObject({ status: 'failed', error: expect.stringMatching(/^PAYOUT_NOT_FOUND: Transfer tr_\w+ names payout po_\w+ \(metadata.payoutId\), which does not exist; parked/) });
    expect(parked.row.nextRetryAt).not.toBeNull();
    await restorePayout(payout.id);

    await advance(120);
    const sweep = await retryFailedWebhookEvents(db(), context);
    expect(sweep.eventIds).toContain(event.id);
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
    expect(row).toMatchObject({ status: 'completed', attempts: 2 });
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID', stripeTransferId: transfer.id });
  });

  it('transfer.reversed (full) fails a PAID payout: reversal entry, money back in available, payments READY — once', async () => {
    const { payout, creatorId, paymentId, userId } = await processingPayout();
    const transfer = await makeTransfer(payout);
    await recordTransfer(payout.id, transfer.id);
    await t.stripe.reverseTransfer({ payoutId: payout.id, transferId: transfer.id, reason: 'admin' });
    const reversed = await sandboxEvent('transfer.reversed', transfer.id);

    expect((await deliver(reversed)).row.status).toBe('completed');
    expect((await deliver(reversed)).body.duplicate).toBe(true);
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', lastErrorCode: 'transfer_reversed' });
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');
    const [message] = await outbox(`payout.failed:${payout.id}`);
    expect(message).toMatchObject({ recipient: `user:${userId}`, payload: { code: 'transfer_reversed' } });
    // A later transfer.created for the same transfer changes nothing.
    expect((await deliver(await sandboxEvent('transfer.created', transfer.id))).row.status).toBe('completed');
    expect(await handlerAudit(payout.id)).toEqual([
      ['transfer.reversed', 'transfer_reversed', 'PAID', 'FAILED'],
      ['transfer.created', 'transfer_already_recorded', 'FAILED', 'FAILED'],
    ]);
  });

  it('a partial reversal changes nothing but is audited and alerts the admins', async () => {
    const { payout, creatorId } = await processingPayout();
    const transfer = await makeTransfer(payout);
    await recordTransfer(payout.id, transfer.id);
    await sdk().transfers.createReversal(transfer.id, { amount: 1000 });
    expect((await deliver(await sandboxEvent('transfer.reversed', transfer.id))).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID' });
    expect(await creatorBalances(creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 6300n });
    const messages = await outbox('alert.payout_transfer_partially_reversed:');
    expect(messages.filter((alert) => alert.payload.payoutId === payout.id)).toMatchObject([{ recipient: 'admins', payload: { amountReversed: 1000, transferId: transfer.id } }]);
    expect(await handlerAudit(payout.id)).toEqual([['transfer.reversed', 'partial_reversal', 'PAID', 'PAID']]);
  });

  it("a clawback's reversal neither fails the payout nor alerts, even when it takes the whole transfer; one its request did not book, the event books", async () => {
    const { payout, creatorId } = await processingPayout();
    const transfer = await makeTransfer(payout);
    await recordTransfer(payout.id, transfer.id);
    const reversal = await t.stripe.reverseTransfer({ payoutId: payout.id, transferId: transfer.id, amount: payout.amount, reason: 'clawback-1' });
    expect((await deliver(await sandboxEvent('transfer.reversed', transfer.id))).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID' });
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'transfer']);
    // No clawback request booked it (one killed after Stripe answered, crash point clawback.reversal-made): the event does, once.
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await db().select({ id: creatorClawbacks.stripeReversalId, by: creatorClawbacks.requestedBy }).from(creatorClawbacks).where(eq(creatorClawbacks.payoutId, payout.id))).toEqual([{ id: reversal.id, by: 'stripe' }]);
    expect((await outbox('alert.')).filter((alert) => alert.payload.payoutId === payout.id)).toEqual([]);
    expect(await handlerAudit(payout.id)).toEqual([['transfer.reversed', 'clawback_reversal', 'PAID', 'PAID']]);
  });

  it('a reversal arriving before its transfer is known records the transfer, then fails the payout (never "paid")', async () => {
    const { payout, creatorId, paymentId } = await processingPayout();
    const transfer = await makeTransfer(payout);
    await t.stripe.reverseTransfer({ payoutId: payout.id, transferId: transfer.id, reason: 'admin' });
    const reversed = await sandboxEvent('transfer.reversed', transfer.id);
    const created = await sandboxEvent('transfer.created', transfer.id);

    expect((await deliver(reversed)).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', stripeTransferId: transfer.id });
    expect((await deliver(created)).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED' });
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');
    expect(await outbox(`payout.paid:${payout.id}`)).toHaveLength(0);
    expect(await handlerAudit(payout.id)).toEqual([
      ['transfer.reversed', 'transfer_recorded_then_reversed', 'PROCESSING', 'FAILED'],
      ['transfer.created', 'transfer_already_recorded', 'FAILED', 'FAILED'],
    ]);
  });

  it('bank payouts: payout.created records the bank payout, payout.paid completes an awaitsBankPayout payout — once', async () => {
    const { payout, creatorId, paymentId, accountId } = await processingPayout({ awaitsBankPayout: true });
    const transfer = await makeTransfer(payout);
    expect((await deliver(await sandboxEvent('transfer.created', transfer.id))).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PROCESSING', stripeTransferId: transfer.id, stripeBankPayoutId: null });
    expect(await paymentStatus(paymentId)).toBe('PROCESSING');

    const bankPayout = await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    const created = await sandboxEvent('payout.created', bankPayout.id, accountId);
    expect(created.account).toBe(accountId);
    expect((await deliver(created)).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PROCESSING', stripeBankPayoutId: bankPayout.id });

    await advance(86_400 + 60);
    const paid = await sandboxEvent('payout.paid', bankPayout.id, accountId);
    expect((await deliver(paid)).row.status).toBe('completed');
    expect((await deliver(paid)).body.duplicate).toBe(true);
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID', stripeBankPayoutId: bankPayout.id });
    expect(await paymentStatus(paymentId)).toBe('PAID');
    expect(await creatorBalances(creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 6300n });
    expect(await outbox(`payout.paid:${payout.id}`)).toHaveLength(1);
    expect(await handlerAudit(payout.id)).toEqual([
      ['transfer.created', 'transfer_recorded', 'PROCESSING', 'PROCESSING'],
      ['payout.created', 'bank_payout_recorded', 'PROCESSING', 'PROCESSING'],
      ['payout.paid', 'payout_paid', 'PROCESSING', 'PAID'],
    ]);
  });

  it('payout.paid before the transfer is recorded is parked, then applied by the retry sweep', async () => {
    const { payout, accountId } = await processingPayout({ awaitsBankPayout: true });
    const transfer = await makeTransfer(payout);
    const bankPayout = await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    await advance(86_400 + 60);
    const paid = await sandboxEvent('payout.paid', bankPayout.id, accountId);
    const parked = await deliver(paid);
    expect(parked.row).toMatchObject({ status: 'failed', error: expect.stringMatching(/^PAYOUT_TRANSFER_NOT_RECORDED: /) });
    expect((await deliver(await sandboxEvent('transfer.created', transfer.id))).row.status).toBe('completed');
    await advance(120);
    await retryFailedWebhookEvents(db(), context);
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, paid.id));
    expect(row!.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID', stripeBankPayoutId: bankPayout.id });
  });

  it('payout.failed with a final code reverses the transfer in Stripe and fails the payout: money back, payments READY, the creator told what to fix', async () => {
    const { payout, creatorId, paymentId, accountId, userId } = await processingPayout({ awaitsBankPayout: true, bankAccountNumber: '000111111116' });
    const transfer = await makeTransfer(payout);
    await recordTransfer(payout.id, transfer.id);
    const bankPayout = await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    await advance(86_400 + 60);
    const failed = await sandboxEvent('payout.failed', bankPayout.id, accountId);
    expect(failed.data.object).toMatchObject({ status: 'failed', failure_code: 'no_account' });

    expect((await deliver(failed)).row).toMatchObject({ status: 'completed', error: null });
    expect((await deliver(failed)).body.duplicate).toBe(true);
    const after = await payoutRow(payout.id);
    expect(after).toMatchObject({ status: 'FAILED', lastErrorCode: 'no_account', failedAttempts: 1 });
    expect(after.failureReason).toContain('check the account number');
    const inStripe = await sdk().transfers.retrieve(transfer.id);
    expect(inStripe).toMatchObject({ reversed: true, amount_reversed: 6300 });
    expect(inStripe.reversals.data).toHaveLength(1);
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');
    const [message] = await outbox(`payout.failed:${payout.id}`);
    expect(message).toMatchObject({ recipient: `user:${userId}`, payload: { code: 'no_account' } });

    // Our reversal's own transfer.reversed then arrives: nothing more to do.
    expect((await deliver(await sandboxEvent('transfer.reversed', transfer.id))).row.status).toBe('completed');
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await handlerAudit(payout.id)).toEqual([
      ['payout.failed', 'bank_payout_failed_reversed', 'PROCESSING', 'FAILED'],
      ['transfer.reversed', 'already_failed', 'FAILED', 'FAILED'],
    ]);
  });

  it('payout.failed after payout.paid: FAILED, the transfer reversed, money back, payments READY', async () => {
    const { payout, creatorId, paymentId, accountId } = await processingPayout({ awaitsBankPayout: true });
    const transfer = await makeTransfer(payout);
    await recordTransfer(payout.id, transfer.id);
    const bankPayout = await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    await advance(86_400 + 60);
    const paid = await sandboxEvent('payout.paid', bankPayout.id, accountId);
    expect((await deliver(paid)).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PAID' });
    expect(await paymentStatus(paymentId)).toBe('PAID');

    // Days later the bank returns it (the sandbox never fails a paid payout: the event is derived from its object).
    await advance(3 * 86_400);
    const failedLater = derivedEvent('payout.failed', { ...paid.data.object, status: 'failed', failure_code: 'account_closed', failure_message: 'The bank account has been closed.' }, accountId);
    expect((await deliver(failedLater)).row.status).toBe('completed');
    expect((await deliver(failedLater)).body.duplicate).toBe(true);
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', lastErrorCode: 'account_closed' });
    expect(await sdk().transfers.retrieve(transfer.id)).toMatchObject({ reversed: true });
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');
    // The old payout.paid replayed by an admin now changes nothing.
    expect(await handlerAudit(payout.id)).toEqual([
      ['payout.paid', 'payout_paid', 'PROCESSING', 'PAID'],
      ['payout.failed', 'failed_after_paid_reversed', 'PAID', 'FAILED'],
    ]);
  });

  it('payout.failed with a retryable code schedules a new bank payout (made by the retry sweep); the next failure exhausts the retries', async () => {
    const { payout, creatorId, paymentId, accountId } = await processingPayout({ awaitsBankPayout: true, bankAccountNumber: '000111111113' });
    const transfer = await makeTransfer(payout);
    await recordTransfer(payout.id, transfer.id);
    const first = await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    await advance(86_400 + 60);
    const firstFailed = await sandboxEvent('payout.failed', first.id, accountId);
    expect(firstFailed.data.object).toMatchObject({ failure_code: 'account_closed' });
    expect((await deliver(firstFailed)).row.status).toBe('completed');
    const waiting = await payoutRow(payout.id);
    expect(waiting).toMatchObject({ status: 'PROCESSING', failedAttempts: 1, lastErrorCode: 'account_closed', stripeBankPayoutId: null });
    const wait = waiting.nextRetryAt!.getTime() - t.clock.now().getTime();
    expect(wait).toBeGreaterThan(4 * 60_000);
    expect(wait).toBeLessThanOrEqual(5 * 60_000);
    expect(await sdk().transfers.retrieve(transfer.id)).toMatchObject({ reversed: false });
    expect(await paymentStatus(paymentId)).toBe('PROCESSING');
    // A late payout.created of the failed bank payout does not record it again.
    expect((await deliver(await sandboxEvent('payout.created', first.id, accountId))).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ stripeBankPayoutId: null });

    await advance(5 * 60);
    const sweep = await retryPayouts(db(), context, { actor: 'system:retry-payouts' });
    expect(sweep.payoutIds).toContain(payout.id);
    const retried = await payoutRow(payout.id);
    expect(retried.stripeBankPayoutId).toMatch(/^po_/);
    expect(retried.stripeBankPayoutId).not.toBe(first.id);

    await advance(86_400 + 60);
    const secondFailed = await sandboxEvent('payout.failed', retried.stripeBankPayoutId!, accountId);
    expect((await deliver(secondFailed)).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', failedAttempts: 2, lastErrorCode: 'account_closed' });
    expect(await sdk().transfers.retrieve(transfer.id)).toMatchObject({ reversed: true });
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');
    // One alert about the payout, whose opening is the one message to the admins (keyed by the alert).
    const exhausted = await db().select().from(alerts).where(eq(alerts.fingerprint, `payout_retries_exhausted:${payout.id}`));
    expect(exhausted).toMatchObject([{ status: 'OPEN', occurrences: 1 }]);
    expect(await outbox(`alert.payout_retries_exhausted:${exhausted[0]!.id}`)).toMatchObject([{ payload: { payoutId: payout.id } }]);
    // The first failure again, under another event id: counted once.
    expect((await deliver(derivedEvent('payout.failed', firstFailed.data.object as unknown as Record<string, unknown>, accountId))).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', failedAttempts: 2 });
  });

  it('legacy transfer.failed: before the transfer is recorded a failed attempt (retry, then final); after, the money came back', async () => {
    // Not recorded: a retryable code schedules a retry, once per transfer; a final code fails it with the reservation released.
    const { payout, creatorId, paymentId } = await processingPayout();
    const failedTransfer = { id: `tr_legacy_${unique()}`, object: 'transfer', amount: 6300, currency: 'eur', metadata: { payoutId: payout.id }, transfer_group: `payout_${payout.id}`, failure_code: 'insufficient_funds', failure_message: 'Insufficient funds' };
    const retryable = derivedEvent('transfer.failed', failedTransfer);
    expect((await deliver(retryable)).row.status).toBe('completed');
    expect((await deliver(retryable)).body.duplicate).toBe(true);
    expect((await deliver(derivedEvent('transfer.failed', failedTransfer))).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'PROCESSING', failedAttempts: 1, lastErrorCode: 'insufficient_funds' });
    const final = derivedEvent('transfer.failed', { ...failedTransfer, id: `tr_legacy_${unique()}`, failure_code: 'account_invalid', failure_message: 'No such destination' });
    expect((await deliver(final)).row.status).toBe('completed');
    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', failedAttempts: 2, lastErrorCode: 'account_invalid' });
    expect(await ledgerKeysOf(payout.id)).toEqual(['release', 'reserve']);
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');

    // Recorded: treated as a reversal.
    const second = await processingPayout();
    const transfer = await makeTransfer(second.payout);
    await recordTransfer(second.payout.id, transfer.id);
    const transferObject = (await sandboxEvent('transfer.created', transfer.id)).data.object as unknown as Record<string, unknown>;
    expect((await deliver(derivedEvent('transfer.failed', { ...transferObject, failure_code: 'account_closed' }))).row.status).toBe('completed');
    expect(await payoutRow(second.payout.id)).toMatchObject({ status: 'FAILED', lastErrorCode: 'account_closed' });
    expect(await ledgerKeysOf(second.payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await creatorBalances(second.creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });

    // Legacy transfer.paid is a success: PAID.
    const third = await processingPayout();
    const paidTransfer = await makeTransfer(third.payout);
    const paidObject = (await sandboxEvent('transfer.created', paidTransfer.id)).data.object as unknown as Record<string, unknown>;
    expect((await deliver(derivedEvent('transfer.paid', paidObject))).row.status).toBe('completed');
    expect(await payoutRow(third.payout.id)).toMatchObject({ status: 'PAID', stripeTransferId: paidTransfer.id });
  });

  it('account.updated keeps the account status and tells the creator once when payouts become disabled', async () => {
    // The sandbox cannot disable an onboarded account: a creator we believe enabled, on an account that is not (yet).
    const account = await sdk().accounts.create({ type: 'express', country: 'US', capabilities: { transfers: { requested: true } } });
    const { creatorId, userId } = await insertCreator(db(), { stripeAccountId: account.id, payoutsEnabled: true, chargesEnabled: true, detailsSubmitted: true });
    const disabled = await deliver(derivedEvent('account.updated', account as unknown as Record<string, unknown>, account.id));
    expect(disabled.row.status).toBe('completed');
    const creator = async () => (await db().select().from(creators).where(eq(creators.id, creatorId)))[0]!;
    expect(await creator()).toMatchObject({ payoutsEnabled: false, chargesEnabled: false, detailsSubmitted: false });
    expect((await creator()).requirementsDue).toContain('external_account');
    expect(await outbox(`creator.payouts_disabled:${disabled.row.id}`)).toMatchObject([{ recipient: `user:${userId}`, payload: { creatorId, account: account.id } }]);

    await t.testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
    expect((await deliver(await sandboxEvent('account.updated', account.id, account.id))).row.status).toBe('completed');
    expect(await creator()).toMatchObject({ payoutsEnabled: true, chargesEnabled: true, detailsSubmitted: true, requirementsDue: [] });
    expect(await db().select().from(outboxMessages).where(eq(outboxMessages.topic, 'creator.payouts_disabled'))).toHaveLength(1);
  });

  it('bank payout events that are not ours are ignored', async () => {
    const { accountId } = await creatorWithEarnings();
    await sdk().transfers.create({ amount: 900, currency: 'eur', destination: accountId });
    const own = await sdk().payouts.create({ amount: 900, currency: 'eur' }, { stripeAccount: accountId });
    const created = await deliver(await sandboxEvent('payout.created', own.id, accountId));
    expect(created.row).toMatchObject({ status: 'ignored', error: expect.stringContaining('names no payout of ours') });
    const platformPayout = derivedEvent('payout.paid', { id: `po_${unique()}`, object: 'payout', amount: 100, currency: 'eur', status: 'paid', metadata: {} });
    expect((await deliver(platformPayout)).row).toMatchObject({ status: 'ignored', error: expect.stringContaining("the platform's own") });
  });
});

describe(`payout webhooks delivered by the sandbox itself — every event twice, in reverse batches — on ${testDatabaseKind}`, () => {
  beforeAll(async () => {
    t = await createTestApp({ sandbox: true, listen: true, env: { PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10', PAYOUT_MAX_RETRIES: '1' } });
    apps.push(t);
    context = { config: t.config, clock: t.clock, stripe: t.stripe };
    await sdk().paymentIntents.create({ amount: 50_000_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
    expect((await t.testSandbox!.control('POST', '/_sandbox/webhooks', { duplicateRate: 1, outOfOrder: true, reorderWindowMs: 50 })).status).toBe(200);
  });

  /** Let the sandbox deliver everything; events parked by an order they could not use are applied by the sweep. */
  async function settle() {
    await t.sandbox!.webhooks.idle();
    const failed = await db().select().from(webhookEvents).where(eq(webhookEvents.status, 'failed'));
    if (failed.length > 0) {
      await advance(10 * 60);
      await retryFailedWebhookEvents(db(), context);
    }
    expect(await db().select({ id: webhookEvents.id, error: webhookEvents.error }).from(webhookEvents).where(eq(webhookEvents.status, 'failed'))).toEqual([]);
  }

  it('a bank payout that fails for good: the reversal made in prepare and its own transfer.reversed race, one FAILED with one reversal', async () => {
    const { payout, creatorId, paymentId, accountId } = await processingPayout({ awaitsBankPayout: true, bankAccountNumber: '000111111116' });
    const transfer = await makeTransfer(payout);
    await waitFor('the transfer recorded from transfer.created', async () => (await payoutRow(payout.id)).transferredAt);
    const bankPayout = await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    await waitFor('the bank payout recorded from payout.created', async () => (await payoutRow(payout.id)).stripeBankPayoutId === bankPayout.id);
    await advance(86_400 + 60);
    await waitFor('the payout FAILED', async () => (await payoutRow(payout.id)).status === 'FAILED');
    await settle();

    expect(await payoutRow(payout.id)).toMatchObject({ status: 'FAILED', lastErrorCode: 'no_account' });
    expect((await sdk().transfers.retrieve(transfer.id)).reversals.data).toHaveLength(1);
    expect(await ledgerKeysOf(payout.id)).toEqual(['reserve', 'reversal', 'transfer']);
    expect(await creatorBalances(creatorId)).toEqual({ available: 6300n, reserved: 0n, paid: 0n });
    expect(await paymentStatus(paymentId)).toBe('READY');
    expect(await outbox(`payout.failed:${payout.id}`)).toHaveLength(1);
    const stored = await db().select().from(webhookEvents).where(sql`${webhookEvents.type} in ('payout.failed', 'transfer.reversed') and ${webhookEvents.payload} -> 'data' -> 'object' ->> 'id' in (${transfer.id}, ${bankPayout.id})`);
    expect(stored.map((row) => [row.type, row.status, row.duplicates]).sort()).toEqual([
      ['payout.failed', 'completed', 1],
      ['transfer.reversed', 'completed', 1],
    ]);
  });

  it('a bank payout that is paid: PAID once, whatever the order and the copies', async () => {
    const { payout, creatorId, paymentId, accountId } = await processingPayout({ awaitsBankPayout: true });
    await makeTransfer(payout);
    await waitFor('the transfer recorded from transfer.created', async () => (await payoutRow(payout.id)).transferredAt);
    await t.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: 'eur' });
    await advance(86_400 + 60);
    await waitFor('the payout PAID', async () => (await payoutRow(payout.id)).status === 'PAID');
    await settle();
    expect(await paymentStatus(paymentId)).toBe('PAID');
    expect(await creatorBalances(creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 6300n });
    expect(await outbox(`payout.paid:${payout.id}`)).toHaveLength(1);
  });
});

/**
 * Move a payout's row aside (as if it were not there yet) and back: a copy under another id takes
 * its allocations, the original is deleted; `restorePayout` undoes it. Test-only.
 */
async function hidePayout(id: string) {
  await db().transaction(async (tx) => {
    await tx.execute(sql`insert into payouts select (jsonb_populate_record(null::payouts, to_jsonb(p) || jsonb_build_object('id', p.id || '_hidden', 'stripe_transfer_id', null))).* from payouts p where p.id = ${id}`);
    await tx.execute(sql`update payout_payments set payout_id = ${`${id}_hidden`} where payout_id = ${id}`);
    await tx.execute(sql`delete from payouts where id = ${id}`);
  });
}

async function restorePayout(id: string) {
  await db().transaction(async (tx) => {
    await tx.execute(sql`insert into payouts select (jsonb_populate_record(null::payouts, to_jsonb(p) || jsonb_build_object('id', ${id}::text))).* from payouts p where p.id = ${`${id}_hidden`}`);
    await tx.execute(sql`update payout_payments set payout_id = ${id} where payout_id = ${`${id}_hidden`}`);
    await tx.execute(sql`delete from payouts where id = ${`${id}_hidden`}`);
  });
}
