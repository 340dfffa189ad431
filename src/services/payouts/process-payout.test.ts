import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { payoutSagaFixtures } from '../../../test/payout-saga-fixtures.js';
import type { StripeGateway } from '../../providers/stripe/index.js';
import type { ServiceContext } from '../context.js';
import { beginPayoutProcessing, processPayout } from './process-payout.js';
import { reconcileStalePayouts } from './reconcile-stale-payouts.js';

/**
 * The transfer saga against the sandbox with the real SDK (DESIGN.md §6, docs/payout-processing.md):
 * the happy path, concurrent calls, Stripe's failures (injected in the sandbox), crashes between
 * every two steps, and the stale-payout reconciliation. Every scenario ends with one transfer per
 * payout, the sandbox's transfer total equal to the ledger's, and `verifyLedger` passing.
 */
let t: TestApp;
let context: ServiceContext;
const f = payoutSagaFixtures(() => t);
const admin = 'user:usr_admin';

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { PAYOUT_STALE_MINUTES: '60' } });
  context = { config: t.config, clock: t.clock, stripe: t.stripe };
  await f.fundPlatform();
});
afterEach(async () => {
  await t.testSandbox!.control('DELETE', '/_sandbox/failures');
  await f.expectBooksBalance();
});
afterAll(async () => {
  expect(t?.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

/** The retry job through its cron endpoint, as an external scheduler runs it. */
async function runRetryJob() {
  const reply = await t.app.inject({ method: 'POST', url: '/api/cron/retry-payouts', headers: { authorization: `Bearer ${t.config.cron.secret}` } });
  expect(reply.statusCode).toBe(200);
  return reply.json<{ claimed: number; paid: number; retryScheduled: number; failed: number; payoutIds: string[]; alertedPayoutIds: string[] }>();
}

const injectTransferFailure = (rule: Record<string, unknown>) => t.testSandbox!.control('POST', '/_sandbox/failures', { method: 'POST', path: '/v1/transfers', ...rule });

/** The gateway as a process that dies: around `method`, the call is made (`after`) or not (`before`), then the process "stops". */
function crashingGateway(method: 'createTransfer' | 'createConnectedPayout', when: 'before' | 'after'): StripeGateway {
  const gateway = Object.create(t.stripe) as StripeGateway;
  const real = t.stripe[method].bind(t.stripe) as (input: never) => Promise<unknown>;
  Object.assign(gateway, {
    [method]: async (input: never) => {
      if (when === 'after') await real(input);
      throw new Error(`process killed ${when} ${method}`);
    },
  });
  return gateway;
}

describe(`the payout saga on ${testDatabaseKind}, against the sandbox`, () => {
  it('processes a PENDING payout: one transfer, ledger transfer entry, payments PAID, creator told', async () => {
    const { creatorId, stripeAccountId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId, { payments: [7000n, 7000n] });
    const result = await processPayout(t.database.db, { payoutId: payout.id, actor: admin, notes: 'Processed manually' }, context);
    expect(result).toMatchObject({ outcome: 'paid', payout: { status: 'PAID', stripeAccountId, processedBy: admin, notes: 'Processed manually' } });
    const transfers = await f.transfersFor(payout.id);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ id: result.transferId, amount: 12_600, currency: 'eur', destination: stripeAccountId });
    expect(await f.creatorBalances(creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 12_600n });
    expect(await f.paymentStatuses(creatorId)).toEqual(['PAID', 'PAID']);
    expect(await f.outbox('payout.paid', payout.id)).toHaveLength(1);
    // Again: not PENDING any more.
    await expect(processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context)).rejects.toMatchObject({ code: 'PAYOUT_NOT_PROCESSABLE', details: { status: 'PAID' } });
  });

  it('20 concurrent process calls on one payout make exactly one transfer; the others get 409 PAYOUT_NOT_PROCESSABLE', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context)));
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled).toHaveLength(1);
    expect(fulfilled[0]!.value.outcome).toBe('paid');
    const codes = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code);
    expect(codes).toEqual(Array(19).fill('PAYOUT_NOT_PROCESSABLE'));
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
  });

  it('refuses a creator without a connected account, leaving the payout PENDING', async () => {
    const { creatorId } = await f.connectedCreator({ connected: false });
    const payout = await f.pendingPayout(creatorId);
    await expect(processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context)).rejects.toMatchObject({ code: 'PAYOUT_STRIPE_NOT_CONNECTED', kind: 'invalid' });
    expect((await f.payout(payout.id)).status).toBe('PENDING');
    expect(await f.creatorBalances(creatorId)).toMatchObject({ reserved: 9000n });
  });

  it('balance_insufficient is retried after the backoff: retry scheduled → clock +5 min → retry job → PAID', async () => {
    const { creatorId, userId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    await injectTransferFailure({ error: { status: 400, code: 'balance_insufficient', message: 'Insufficient funds in Stripe account' }, times: 1 });
    const first = await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context);
    expect(first).toMatchObject({ outcome: 'retry_scheduled', error: { code: 'balance_insufficient' }, payout: { status: 'PROCESSING', failedAttempts: 1, lastErrorCode: 'balance_insufficient' } });
    expect(first.payout.nextRetryAt!.getTime() - t.clock.now().getTime()).toBeGreaterThan(4 * 60_000);
    // The creator is told it will be retried — and not that it failed.
    const retrying = await f.outbox('payout.retrying', payout.id);
    expect(retrying.map((m) => [m.recipient, m.dedupeKey])).toEqual([[`user:${userId}`, `payout.retrying:${payout.id}:1`]]);
    expect(retrying[0]!.payload).toEqual({
      payoutId: payout.id,
      amount: '9000',
      currency: 'eur',
      code: 'balance_insufficient',
      reason: 'Stripe transfers.create failed: Insufficient funds in Stripe account',
      attempt: 1,
      nextRetryAt: first.payout.nextRetryAt!.toISOString(),
    });
    expect(await f.outbox('payout.failed', payout.id)).toEqual([]);

    expect((await runRetryJob()).payoutIds).not.toContain(payout.id); // not due yet
    t.clock.advance(5 * 60 + 1);
    const run = await runRetryJob();
    expect(run.payoutIds).toContain(payout.id);
    const paid = await f.payout(payout.id);
    expect(paid).toMatchObject({ status: 'PAID', failedAttempts: 1, lastErrorCode: null, nextRetryAt: null });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    expect(await f.outbox('payout.paid', payout.id)).toHaveLength(1);
    expect(await f.outbox('payout.retrying', payout.id)).toHaveLength(1);
    expect(await f.outbox('payout.failed', payout.id)).toEqual([]);
  });

  it('account_invalid is final: FAILED, the reservation back in available, payments READY, creator told', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId, { payments: [5000n] });
    await injectTransferFailure({ error: { status: 400, code: 'account_invalid', message: 'The destination account is invalid' } });
    const result = await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context);
    expect(result).toMatchObject({ outcome: 'failed', payout: { status: 'FAILED', lastErrorCode: 'account_invalid' } });
    expect(await f.creatorBalances(creatorId)).toEqual({ available: 4500n, reserved: 0n, paid: 0n });
    expect(await f.paymentStatuses(creatorId)).toEqual(['READY']);
    expect(await f.outbox('payout.failed', payout.id)).toHaveLength(1);
    expect(await f.outbox('payout.retrying', payout.id)).toEqual([]); // final at once: no retry to announce
    expect(await f.outbox('alert.payout_retries_exhausted', payout.id)).toHaveLength(0);
    expect(await f.transfersFor(payout.id)).toHaveLength(0);
  });

  it("a 500 is transient: retried by the job; 429s are waited out by the gateway's policy", async () => {
    const { creatorId } = await f.connectedCreator();
    const flaky = await f.pendingPayout(creatorId);
    await injectTransferFailure({ error: { status: 500 }, times: 1 });
    expect(await processPayout(t.database.db, { payoutId: flaky.id, actor: admin }, context)).toMatchObject({ outcome: 'retry_scheduled', error: { code: 'api_error' } });
    t.clock.advance(5 * 60 + 1);
    await runRetryJob();
    expect((await f.payout(flaky.id)).status).toBe('PAID');
    expect(await f.transfersFor(flaky.id)).toHaveLength(1);

    const other = await f.connectedCreator();
    const limited = await f.pendingPayout(other.creatorId);
    await injectTransferFailure({ error: { status: 429, code: 'rate_limit', message: 'Too many requests' }, times: 2 });
    expect(await processPayout(t.database.db, { payoutId: limited.id, actor: admin }, context)).toMatchObject({ outcome: 'paid' });
    expect(await f.transfersFor(limited.id)).toHaveLength(1);
  });

  it('a timeout after Stripe made the transfer: our call fails, the retry finds that transfer — exactly one', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    // times: 2 — the SDK repeats a dropped connection once by itself (same key): both answers are lost.
    await injectTransferFailure({ timeout: 'after', times: 2 });
    const first = await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context);
    expect(first).toMatchObject({ outcome: 'retry_scheduled', payout: { failedAttempts: 1 } });
    const [made] = await f.transfersFor(payout.id);
    expect(made).toBeDefined(); // Stripe has it, we do not know it yet
    t.clock.advance(5 * 60 + 1);
    await runRetryJob();
    expect(await f.payout(payout.id)).toMatchObject({ status: 'PAID', stripeTransferId: made!.id });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
  });

  it('retries exhausted: FAILED after 3 retries (5, 10, 20 min), reservation released, admins alerted', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    await injectTransferFailure({ error: { status: 503, message: 'Stripe is down' } });
    expect((await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context)).outcome).toBe('retry_scheduled');
    const alerted: string[] = [];
    for (const minutes of [5, 10, 20]) {
      t.clock.advance(minutes * 60 + 1);
      alerted.push(...(await runRetryJob()).alertedPayoutIds);
    }
    expect(await f.payout(payout.id)).toMatchObject({ status: 'FAILED', failedAttempts: 4, nextRetryAt: null });
    expect(await f.creatorBalances(creatorId)).toMatchObject({ available: 9000n, reserved: 0n });
    expect(await f.paymentStatuses(creatorId)).toEqual(['READY']);
    // One message to the creator per failure: retrying after the first three, failed after the last.
    expect((await f.outbox('payout.retrying', payout.id)).map((m) => [m.payload.attempt, m.payload.code])).toEqual([
      [1, 'api_error'],
      [2, 'api_error'],
      [3, 'api_error'],
    ]);
    expect(await f.outbox('payout.failed', payout.id)).toHaveLength(1);
    // A creator's request (not an automatic transfer): the admins get an alert about it alone, not the automatic summary.
    expect(await f.outbox('alert.payout_retries_exhausted', payout.id)).toHaveLength(1);
    expect(alerted).not.toContain(payout.id);
    expect(await f.transfersFor(payout.id)).toHaveLength(0);
  });
});

describe(`a crash at each step of the saga, repaired by the retry job, on ${testDatabaseKind}`, () => {
  it('after PROCESSING was committed, before Stripe was called', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    await beginPayoutProcessing(t.database.db, { payoutId: payout.id, actor: admin }, context); // …and the process dies
    expect((await runRetryJob()).payoutIds).not.toContain(payout.id); // the lease still holds
    t.clock.advance(121);
    expect((await runRetryJob()).payoutIds).toContain(payout.id);
    expect((await f.payout(payout.id)).status).toBe('PAID');
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
  });

  it('after Stripe made the transfer, before it was recorded (same idempotency key, or found by group)', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    await expect(processPayout(t.database.db, { payoutId: payout.id, actor: admin }, { ...context, stripe: crashingGateway('createTransfer', 'after') })).rejects.toThrow(/process killed/);
    expect(await f.payout(payout.id)).toMatchObject({ status: 'PROCESSING', stripeTransferId: null });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    t.clock.advance(121);
    await runRetryJob();
    expect((await f.payout(payout.id)).status).toBe('PAID');
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
  });

  it('the same, repaired more than 24 h later, when Stripe has forgotten the idempotency key', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    await expect(processPayout(t.database.db, { payoutId: payout.id, actor: admin }, { ...context, stripe: crashingGateway('createTransfer', 'after') })).rejects.toThrow(/process killed/);
    t.clock.advance(25 * 3600);
    await runRetryJob();
    expect((await f.payout(payout.id)).status).toBe('PAID');
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
  });

  it('before the bank payout, where the service drives bank payouts (automatic mode); reconciled PAID once the bank payout is paid', async () => {
    const { creatorId, stripeAccountId } = await f.connectedCreator({ payoutMode: 'automatic' });
    const payout = await f.pendingPayout(creatorId);
    await expect(processPayout(t.database.db, { payoutId: payout.id, actor: admin }, { ...context, stripe: crashingGateway('createConnectedPayout', 'after') })).rejects.toThrow(/process killed/);
    expect(await f.payout(payout.id)).toMatchObject({ status: 'PROCESSING', awaitsBankPayout: true, stripeBankPayoutId: null });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    t.clock.advance(121);
    await runRetryJob();
    const [bankPayout, ...more] = await f.bankPayoutsFor(stripeAccountId!, payout.id);
    expect(more).toEqual([]);
    expect(await f.payout(payout.id)).toMatchObject({ status: 'PROCESSING', stripeBankPayoutId: bankPayout!.id });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);

    // No payout.paid webhook here: after the bank payout arrives and the payout is stale, the reconciliation asks Stripe.
    t.clock.advance(2 * 86_400);
    const reconciled = await reconcileStalePayouts(t.database.db, context, { actor: 'system:reconcile-payouts' });
    expect(reconciled.decisions).toContainEqual({ payoutId: payout.id, decision: 'paid' });
    expect((await f.payout(payout.id)).status).toBe('PAID');
    expect(await f.creatorBalances(creatorId)).toMatchObject({ reserved: 0n, paid: 9000n });
  });

  it('a clean run in automatic mode: transfer and bank payout made, PROCESSING until the bank payout is paid', async () => {
    const { creatorId, stripeAccountId } = await f.connectedCreator({ payoutMode: 'automatic' });
    const payout = await f.pendingPayout(creatorId);
    const result = await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context);
    expect(result).toMatchObject({ outcome: 'processing', payout: { status: 'PROCESSING', awaitsBankPayout: true } });
    const bankPayouts = await f.bankPayoutsFor(stripeAccountId!, payout.id);
    expect(bankPayouts.map((p) => p.id)).toEqual([result.payout.stripeBankPayoutId]);
    expect(await runRetryJob()).toMatchObject({ claimed: 0 });
  });
});

describe(`a bank payout that cannot be made, on ${testDatabaseKind}`, () => {
  it('a final bank payout error takes the transfer back and FAILS the payout with the money in available', async () => {
    const { creatorId, stripeAccountId } = await f.connectedCreator({ payoutMode: 'automatic' });
    const payout = await f.pendingPayout(creatorId);
    await t.testSandbox!.control('POST', '/_sandbox/failures', {
      method: 'POST',
      path: '/v1/payouts',
      error: { status: 400, type: 'invalid_request_error', code: 'payouts_not_allowed', message: 'Payouts are not allowed for this account' },
    });
    const result = await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context);
    expect(result).toMatchObject({ outcome: 'failed', payout: { status: 'FAILED', lastErrorCode: 'payouts_not_allowed' } });
    const [transfer] = await f.transfersFor(payout.id);
    expect(transfer).toMatchObject({ amount: 9000, amount_reversed: 9000, reversed: true });
    expect(await f.bankPayoutsFor(stripeAccountId!, payout.id)).toEqual([]);
    expect(await f.creatorBalances(creatorId)).toEqual({ available: 9000n, reserved: 0n, paid: 0n });
    expect(await f.paymentStatuses(creatorId)).toEqual(['READY']);
    expect(await f.outbox('payout.failed', payout.id)).toHaveLength(1);
  });
});

describe(`stale payouts, reconciled against Stripe, on ${testDatabaseKind}`, () => {
  it('records a transfer Stripe made that we never heard of, and alerts on one Stripe does not have', async () => {
    const a = await f.connectedCreator();
    const made = await f.pendingPayout(a.creatorId);
    await expect(processPayout(t.database.db, { payoutId: made.id, actor: admin }, { ...context, stripe: crashingGateway('createTransfer', 'after') })).rejects.toThrow();
    const b = await f.connectedCreator();
    const lost = await f.pendingPayout(b.creatorId);
    await expect(processPayout(t.database.db, { payoutId: lost.id, actor: admin }, { ...context, stripe: crashingGateway('createTransfer', 'before') })).rejects.toThrow();

    expect((await reconcileStalePayouts(t.database.db, context, { actor: 'system:reconcile-payouts' })).decisions.map((d) => d.payoutId)).not.toContain(made.id); // not stale yet
    t.clock.advance(61 * 60);
    const result = await reconcileStalePayouts(t.database.db, context, { actor: 'system:reconcile-payouts' });
    expect(result.decisions).toContainEqual({ payoutId: made.id, decision: 'paid' });
    expect(result.decisions).toContainEqual(expect.objectContaining({ payoutId: lost.id, decision: 'alerted' }));
    expect((await f.payout(made.id)).status).toBe('PAID');
    expect(await f.outbox('alert.payout_stale', lost.id)).toHaveLength(1);
    // The retry sweep still completes the one Stripe never saw (its lease expired long ago).
    await runRetryJob();
    expect((await f.payout(lost.id)).status).toBe('PAID');
    expect(await f.transfersFor(lost.id)).toHaveLength(1);
    expect(await f.transfersFor(made.id)).toHaveLength(1);
  });
});
