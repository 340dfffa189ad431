import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../sandbox/testing/test-sandbox.js';
import { StripeGateway } from './stripe-gateway.js';

let t: TestSandbox;
let gateway: StripeGateway;
let stripe: Stripe;
let creatorAccountId: string;

beforeAll(async () => {
  t = await startTestSandbox();
  gateway = new StripeGateway({ secretKey: 'sk_test_gateway_tests', apiBase: t.sandbox.url, webhookSecrets: [], policy: { requestsPerSecond: 200, perOperation: { 'transfers.create': 100 } } });
  stripe = new Stripe('sk_test_gateway_tests', t.clientOptions);
  // Fund the platform: available at once with the bypass-pending card.
  await stripe.paymentIntents.create({ amount: 500_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
  const account = await gateway.createExpressAccount({ creatorId: 'cr_gateway', email: 'creator@example.test', manualPayouts: true });
  creatorAccountId = account.id;
  await t.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (e: { code?: string; details?: Record<string, unknown> }) => ({ code: e.code, stripeCode: e.details?.stripeCode }),
  );

describe('StripeGateway against the local sandbox, with the real SDK', () => {
  it('creates an Express account once per creator, with manual bank payouts, and an onboarding link', async () => {
    const again = await gateway.createExpressAccount({ creatorId: 'cr_gateway', email: 'creator@example.test', manualPayouts: true });
    expect(again.id).toBe(creatorAccountId); // same idempotency key → same account
    const account = await gateway.retrieveAccount(creatorAccountId);
    expect(account).toMatchObject({ type: 'express', payouts_enabled: true, metadata: { creatorId: 'cr_gateway' } });
    expect(account.settings?.payouts?.schedule?.interval).toBe('manual');
    const link = await gateway.createOnboardingLink({ accountId: creatorAccountId, refreshUrl: 'http://app/refresh', returnUrl: 'http://app/return' });
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/onboarding\//);
  });

  it("transfers a payout's amount exactly once, finds it again by payout, and reverses it", async () => {
    const input = { payoutId: 'po_once', amount: 12_600n, currency: 'eur', destination: creatorAccountId };
    const [first, second] = await Promise.all([gateway.createTransfer(input), gateway.createTransfer(input).catch(() => gateway.createTransfer(input))]);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ amount: 12_600, currency: 'eur', destination: creatorAccountId, transfer_group: 'payout_po_once', metadata: { payoutId: 'po_once' } });
    expect((await gateway.findTransferForPayout('po_once'))?.id).toBe(first.id);
    expect(await gateway.findTransferForPayout('po_never')).toBeUndefined();
    const connected = await gateway.retrieveBalance(creatorAccountId);
    expect(connected.available.find((b) => b.currency === 'eur')?.amount).toBe(12_600);
    const reversal = await gateway.reverseTransfer({ payoutId: 'po_once', transferId: first.id, amount: 2_600n, reason: 'clawback-1' });
    expect(reversal).toMatchObject({ amount: 2_600, transfer: first.id });
  });

  it('maps a transfer the platform cannot fund to STRIPE_BALANCE_INSUFFICIENT, keeping the Stripe code', async () => {
    const result = await codeOf(gateway.createTransfer({ payoutId: 'po_too_big', amount: 10_000_000n, currency: 'eur', destination: creatorAccountId }));
    expect(result).toEqual({ code: 'STRIPE_BALANCE_INSUFFICIENT', stripeCode: 'balance_insufficient' });
  });

  it('creates a bank payout on the connected account (Stripe-Account header), once', async () => {
    const payout = await gateway.createConnectedPayout({ payoutId: 'po_bank', accountId: creatorAccountId, amount: 5_000n, currency: 'eur' });
    const again = await gateway.createConnectedPayout({ payoutId: 'po_bank', accountId: creatorAccountId, amount: 5_000n, currency: 'eur' });
    expect(again.id).toBe(payout.id);
    expect(payout).toMatchObject({ amount: 5_000, status: 'pending', metadata: { payoutId: 'po_bank' } });
    // The platform cannot see the connected account's payout without the header.
    expect(await codeOf(stripe.payouts.retrieve(payout.id))).toMatchObject({ code: 'resource_missing' });
  });

  it('opens a checkout session with booking metadata and refunds its payment', async () => {
    const session = await gateway.createCheckoutSession({
      bookingId: 'bk_gw',
      creatorId: 'cr_gateway',
      amount: 7_000n,
      currency: 'eur',
      productName: 'Call with a creator',
      successUrl: 'http://app/ok',
      cancelUrl: 'http://app/cancel',
    });
    expect(session).toMatchObject({ mode: 'payment', amount_total: 7_000, metadata: { bookingId: 'bk_gw', creatorId: 'cr_gateway' } });
    await t.control('POST', `/_sandbox/checkout/${session.id}/pay`, {});
    const paid = await stripe.checkout.sessions.retrieve(session.id);
    const paymentIntentId = typeof paid.payment_intent === 'string' ? paid.payment_intent : paid.payment_intent!.id;
    const intent = await gateway.retrievePaymentIntent(paymentIntentId);
    expect(intent).toMatchObject({ status: 'succeeded', metadata: { bookingId: 'bk_gw' } });
    const refund = await gateway.createRefund({ paymentId: 'pay_gw', refundRequestId: 'r1', paymentIntentId, amount: 2_000n });
    const same = await gateway.createRefund({ paymentId: 'pay_gw', refundRequestId: 'r1', paymentIntentId, amount: 2_000n });
    expect(same.id).toBe(refund.id);
    expect(refund).toMatchObject({ amount: 2_000, status: 'succeeded' });
  });

  it('gets a burst of 200 transfers through the sandbox rate limit with no error and no duplicate', async () => {
    await t.control('POST', '/_sandbox/rate-limit', { enabled: true });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => gateway.createTransfer({ payoutId: `po_burst_${i}`, amount: 100n, currency: 'eur', destination: creatorAccountId })),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(200);
    } finally {
      await t.control('POST', '/_sandbox/rate-limit', { enabled: false });
    }
    // What Stripe holds: exactly one transfer per payout.
    const all = [];
    for await (const transfer of stripe.transfers.list({ destination: creatorAccountId, limit: 100 })) all.push(transfer);
    expect(all.filter((tr) => tr.transfer_group?.startsWith('payout_po_burst_'))).toHaveLength(200);
  }, 60_000);
});
