import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox.js';

let t: TestSandbox;
let stripe: Stripe;

beforeAll(async () => {
  t = await startTestSandbox();
  stripe = new Stripe('sk_test_payments', t.clientOptions);
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
});

async function eventTypesFor(objectId: string): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100 });
  return events.data
    .filter((event) => (event.data.object as { id?: string }).id === objectId)
    .map((event) => event.type)
    .reverse();
}

function amountIn(amounts: Array<{ amount: number; currency: string }>, currency: string): number {
  return amounts.find((amount) => amount.currency === currency)?.amount ?? 0;
}

describe('payment intents', () => {
  test('pm_card_visa succeeds: a charge and a balance transaction pending for 2 days', async () => {
    const before = await stripe.balance.retrieve();
    const intent = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { booking: 'b1' } });
    expect(intent).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount_received: 2500, livemode: false });
    expect(intent.id).toMatch(/^pi_/);
    const charge = await stripe.charges.retrieve(intent.latest_charge as string, { expand: ['balance_transaction'] });
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, captured: true, amount: 2500, payment_intent: intent.id, metadata: { booking: 'b1' } });
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    const transaction = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(transaction).toMatchObject({ type: 'charge', status: 'pending', amount: 2500, net: 2500, source: charge.id });
    expect(transaction.available_on - transaction.created).toBe(2 * 86_400);
    const after = await stripe.balance.retrieve();
    expect(amountIn(after.pending, 'eur') - amountIn(before.pending, 'eur')).toBe(2500);
    expect(amountIn(after.available, 'eur')).toBe(amountIn(before.available, 'eur'));

    t.sandbox.advanceClock(2 * 86_400);
    const settled = await stripe.balanceTransactions.retrieve(transaction.id);
    expect(settled.status).toBe('available');
    const later = await stripe.balance.retrieve();
    expect(amountIn(later.available, 'eur') - amountIn(before.available, 'eur')).toBe(2500);
    expect(await eventTypesFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
    expect(await eventTypesFor(charge.id)).toEqual(['charge.succeeded']);
    expect((await stripe.events.list({ type: 'balance.available', limit: 1 })).data).toHaveLength(1);
  });

  test('pm_card_bypassPending makes the funds available at once', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true, expand: ['latest_charge.balance_transaction'] });
    const transaction = (intent.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction;
    expect(transaction.status).toBe('available');
    expect(transaction.available_on).toBe(transaction.created);
  });

  test('create, then confirm in a second call', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    const confirmed = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_mastercard' });
    expect(confirmed.status).toBe('succeeded');
    await expect(stripe.paymentIntents.confirm(intent.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  test('pm_card_chargeDeclined: 402 card_error, a failed charge and payment_intent.payment_failed', async () => {
    const error = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    const intent = cardError.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe('requires_payment_method');
    expect(intent.last_payment_error?.code).toBe('card_declined');
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined' });
    expect(await eventTypesFor(intent.id)).toEqual(['payment_intent.created', 'payment_intent.payment_failed']);
    const insufficient = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true }).catch((caught: unknown) => caught);
    expect(insufficient).toMatchObject({ decline_code: 'insufficient_funds' });
  });

  test('payment methods created from test tokens behave like their card', async () => {
    const paymentMethod = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    expect(paymentMethod.card?.brand).toBe('visa');
    const intent = await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: paymentMethod.id, confirm: true });
    expect(intent.status).toBe('succeeded');
  });
});

describe('refunds', () => {
  test('partial then full refunds reduce the charge and the balance; a third is refused', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    const chargeId = intent.latest_charge as string;
    const before = amountIn((await stripe.balance.retrieve()).available, 'usd');
    const partial = await stripe.refunds.create({ charge: chargeId, amount: 1000, reason: 'requested_by_customer' });
    expect(partial).toMatchObject({ object: 'refund', status: 'succeeded', amount: 1000, charge: chargeId, payment_intent: intent.id });
    expect(partial.id).toMatch(/^re_/);
    let charge = await stripe.charges.retrieve(chargeId);
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: false });
    await expect(stripe.refunds.create({ charge: chargeId, amount: 2500 })).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(2000);
    charge = await stripe.charges.retrieve(chargeId);
    expect(charge).toMatchObject({ amount_refunded: 3000, refunded: true });
    expect(amountIn((await stripe.balance.retrieve()).available, 'usd')).toBe(before - 3000);
    await expect(stripe.refunds.create({ charge: chargeId })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect(await eventTypesFor(chargeId)).toEqual(['charge.succeeded', 'charge.refunded', 'charge.refunded']);
    const refunded = (await stripe.events.list({ type: 'charge.refunded', limit: 1 })).data[0];
    expect(refunded?.data.previous_attributes).toMatchObject({ amount_refunded: 1000, refunded: false });
    expect((await stripe.refunds.list({ charge: chargeId })).data.map((refund) => refund.id)).toEqual([rest.id, partial.id]);
  });
});

describe('disputes', () => {
  test('pm_card_createDispute opens a dispute that withdraws amount + fee; winning_evidence wins it back', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    expect(intent.status).toBe('succeeded');
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge.disputed).toBe(true);
    const disputes = await stripe.disputes.list({ charge: charge.id });
    const dispute = disputes.data[0] as Stripe.Dispute;
    expect(dispute).toMatchObject({ object: 'dispute', status: 'needs_response', reason: 'fraudulent', amount: 5000, charge: charge.id });
    expect(dispute.id).toMatch(/^dp_/);
    expect(dispute.balance_transactions[0]).toMatchObject({ amount: -5000, fee: 1500, net: -6500 });
    const events = (await stripe.events.list({ limit: 20 })).data.map((event) => event.type);
    expect(events).toContain('charge.dispute.created');
    expect(events).toContain('charge.dispute.funds_withdrawn');
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_disputed' });

    const won = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(won.status).toBe('won');
    expect(won.balance_transactions.map((transaction) => transaction.net)).toEqual([-6500, 6500]);
    const closed = (await stripe.events.list({ type: 'charge.dispute.closed', limit: 1 })).data[0];
    expect((closed?.data.object as Stripe.Dispute).status).toBe('won');
    await expect(stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'more' } })).rejects.toMatchObject({ statusCode: 400 });
  });

  test('losing_evidence loses the dispute; the money stays withdrawn', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 4000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    const dispute = (await stripe.disputes.list({ payment_intent: intent.id })).data[0] as Stripe.Dispute;
    const lost = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'losing_evidence' } });
    expect(lost.status).toBe('lost');
    expect(lost.balance_transactions).toHaveLength(1);
  });

  test('pm_card_createDisputeInquiry opens an inquiry (no money moved) that closes warning_closed when won', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_createDisputeInquiry', confirm: true });
    const dispute = (await stripe.disputes.list({ payment_intent: intent.id })).data[0] as Stripe.Dispute;
    expect(dispute).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true, balance_transactions: [] });
    const closed = await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(closed.status).toBe('warning_closed');
  });

  test('closing (accepting) a dispute loses it', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    const dispute = (await stripe.disputes.list({ payment_intent: intent.id })).data[0] as Stripe.Dispute;
    expect((await stripe.disputes.close(dispute.id)).status).toBe('lost');
  });
});

describe('checkout sessions', () => {
  test('a session paid on the sandbox page completes with a succeeded payment intent', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://example.com/ok?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://example.com/cancel',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 4200, product_data: { name: 'Call with a creator' } }, quantity: 3 }],
      metadata: { booking: 'bk_1' },
      payment_intent_data: { metadata: { booking: 'bk_1' }, transfer_group: 'bk_1' },
    });
    expect(session).toMatchObject({ object: 'checkout.session', status: 'open', payment_status: 'unpaid', amount_total: 12_600, currency: 'eur', payment_intent: null });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${t.sandbox.url}/_sandbox/checkout/${session.id}`);
    const page = await fetch(session.url as string);
    expect(await page.text()).toContain('126.00 EUR');
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data[0]).toMatchObject({ quantity: 3, amount_total: 12_600 });
    const withItems = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(withItems.line_items?.data).toHaveLength(1);

    const paid = await t.control('POST', `/_sandbox/checkout/${session.id}/pay`, {});
    expect(paid.status).toBe(200);
    const completed = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const intent = completed.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ status: 'succeeded', amount: 12_600, metadata: { booking: 'bk_1' }, transfer_group: 'bk_1' });
    const event = (await stripe.events.list({ type: 'checkout.session.completed', limit: 1 })).data[0];
    expect((event?.data.object as Stripe.Checkout.Session).id).toBe(session.id);
    const again = await t.control('POST', `/_sandbox/checkout/${session.id}/pay`, {});
    expect(again.status).toBe(400);
  });

  test('sessions expire (checkout.session.expired) explicitly or after expires_at', async () => {
    const params: Stripe.Checkout.SessionCreateParams = { mode: 'payment', success_url: 'https://example.com', line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x' } }, quantity: 1 }] };
    const first = await stripe.checkout.sessions.create(params);
    expect((await stripe.checkout.sessions.expire(first.id)).status).toBe('expired');
    const second = await stripe.checkout.sessions.create(params);
    t.sandbox.advanceClock(24 * 3600 + 1);
    expect((await stripe.checkout.sessions.retrieve(second.id)).status).toBe('expired');
  });
});
