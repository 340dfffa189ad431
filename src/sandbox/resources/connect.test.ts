import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox.js';

let t: TestSandbox;
let stripe: Stripe;

beforeAll(async () => {
  t = await startTestSandbox();
  stripe = new Stripe('sk_test_connect', t.clientOptions);
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
});

function amountIn(amounts: Array<{ amount: number; currency: string }>, currency: string): number {
  return amounts.find((amount) => amount.currency === currency)?.amount ?? 0;
}

async function onboardedCreator(bankAccountNumber?: string): Promise<Stripe.Account> {
  const account = await stripe.accounts.create({
    type: 'express',
    country: 'US',
    email: 'creator@example.com',
    capabilities: { transfers: { requested: true } },
    ...(bankAccountNumber ? { external_account: { object: 'bank_account', country: 'US', currency: 'usd', routing_number: '110000000', account_number: bankAccountNumber } } : {}),
  } as Stripe.AccountCreateParams);
  const onboarded = await t.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
  expect(onboarded.status).toBe(200);
  return account;
}

async function fundPlatform(amount: number, currency = 'usd'): Promise<void> {
  await stripe.paymentIntents.create({ amount, currency, payment_method: 'pm_card_bypassPending', confirm: true });
}

describe('accounts and onboarding', () => {
  test('an Express account starts un-onboarded and an account link completes it (account.updated)', async () => {
    const account = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } }, metadata: { creator: 'c1' } });
    expect(account.id).toMatch(/^acct_/);
    expect(account).toMatchObject({ type: 'express', charges_enabled: false, payouts_enabled: false, details_submitted: false, capabilities: { transfers: 'inactive' } });
    expect(account.requirements?.currently_due).toContain('external_account');
    expect(account.settings?.payouts?.schedule).toMatchObject({ interval: 'daily', delay_days: 2 });

    const link = await stripe.accountLinks.create({ account: account.id, type: 'account_onboarding', refresh_url: 'https://example.com/refresh', return_url: 'https://example.com/return' });
    expect(link.object).toBe('account_link');
    const response = await fetch(link.url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/return');

    const onboarded = await stripe.accounts.retrieve(account.id);
    expect(onboarded).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true, capabilities: { transfers: 'active' } });
    expect(onboarded.requirements?.currently_due).toEqual([]);
    const events = await stripe.events.list({ type: 'account.updated' }, { stripeAccount: account.id });
    expect(events.data[0]).toMatchObject({ account: account.id, type: 'account.updated' });
    expect((events.data[0]?.data.previous_attributes as { charges_enabled?: boolean }).charges_enabled).toBe(false);
  });

  test('updating an account sets the manual payout schedule and emits account.updated', async () => {
    const account = await onboardedCreator();
    const updated = await stripe.accounts.update(account.id, { settings: { payouts: { schedule: { interval: 'manual' } } }, metadata: { tier: 'gold' } });
    expect(updated.settings?.payouts?.schedule.interval).toBe('manual');
    expect(updated.metadata).toEqual({ tier: 'gold' });
    const list = await stripe.accounts.list({ limit: 100 });
    expect(list.data.map((item) => item.id)).toContain(account.id);
    const deleted = await stripe.accounts.del(account.id);
    expect(deleted).toMatchObject({ id: account.id, deleted: true });
  });
});

describe('transfers', () => {
  test('fail with balance_insufficient when the platform available balance is short', async () => {
    const creator = await onboardedCreator();
    await stripe.paymentIntents.create({ amount: 100_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }); // pending only
    const error = await stripe.transfers.create({ amount: 50_000_000, currency: 'usd', destination: creator.id }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'balance_insufficient', type: 'StripeInvalidRequestError' });
  });

  test('move available platform money to the connected balance; reversals move it back', async () => {
    const creator = await onboardedCreator();
    await fundPlatform(10_000);
    const platformBefore = amountIn((await stripe.balance.retrieve()).available, 'usd');
    const transfer = await stripe.transfers.create({ amount: 6000, currency: 'usd', destination: creator.id, transfer_group: 'payout_42', metadata: { payout: '42' } }, { idempotencyKey: 'payout-42' });
    expect(transfer).toMatchObject({ object: 'transfer', amount: 6000, amount_reversed: 0, reversed: false, destination: creator.id, transfer_group: 'payout_42', metadata: { payout: '42' } });
    expect(transfer.id).toMatch(/^tr_/);
    expect(transfer.destination_payment).toMatch(/^py_/);
    expect(amountIn((await stripe.balance.retrieve()).available, 'usd')).toBe(platformBefore - 6000);
    const creatorBalance = await stripe.balance.retrieve({}, { stripeAccount: creator.id });
    expect(amountIn(creatorBalance.available, 'usd')).toBe(6000);
    const payment = await stripe.charges.retrieve(transfer.destination_payment as string, {}, { stripeAccount: creator.id });
    expect(payment).toMatchObject({ amount: 6000, source_transfer: transfer.id });

    const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 2500, metadata: { reason: 'refund' } });
    expect(reversal).toMatchObject({ object: 'transfer_reversal', amount: 2500, transfer: transfer.id });
    expect(reversal.id).toMatch(/^trr_/);
    const reversedOnce = await stripe.transfers.retrieve(transfer.id);
    expect(reversedOnce).toMatchObject({ amount_reversed: 2500, reversed: false });
    expect(reversedOnce.reversals.data.map((item) => item.id)).toEqual([reversal.id]);
    expect(amountIn((await stripe.balance.retrieve({}, { stripeAccount: creator.id })).available, 'usd')).toBe(3500);
    const rest = await stripe.transfers.createReversal(transfer.id);
    expect(rest.amount).toBe(3500);
    expect((await stripe.transfers.retrieve(transfer.id)).reversed).toBe(true);
    await expect(stripe.transfers.createReversal(transfer.id, { amount: 1 })).rejects.toMatchObject({ statusCode: 400 });
    expect(amountIn((await stripe.balance.retrieve()).available, 'usd')).toBe(platformBefore);
    const types = (await stripe.events.list({ limit: 10 })).data.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['transfer.reversed', 'transfer.reversed', 'transfer.created']);
    const listed = await stripe.transfers.list({ transfer_group: 'payout_42' });
    expect(listed.data.map((item) => item.id)).toEqual([transfer.id]);
    expect((await stripe.transfers.listReversals(transfer.id)).data).toHaveLength(2);
  });

  test('with source_transaction, pending charge funds can be transferred and arrive when the charge settles', async () => {
    const creator = await onboardedCreator();
    const intent = await stripe.paymentIntents.create({ amount: 8000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const charge = intent.latest_charge as string;
    const transfer = await stripe.transfers.create({ amount: 7200, currency: 'usd', destination: creator.id, source_transaction: charge });
    expect(transfer.source_transaction).toBe(charge);
    const creatorBalance = await stripe.balance.retrieve({}, { stripeAccount: creator.id });
    expect(amountIn(creatorBalance.pending, 'usd')).toBe(7200);
    expect(amountIn(creatorBalance.available, 'usd')).toBe(0);
    await expect(stripe.transfers.create({ amount: 1000, currency: 'usd', destination: creator.id, source_transaction: charge })).rejects.toMatchObject({ statusCode: 400 });
    t.sandbox.advanceClock(2 * 86_400);
    expect(amountIn((await stripe.balance.retrieve({}, { stripeAccount: creator.id })).available, 'usd')).toBe(7200);
  });

  test('a destination that cannot receive transfers is refused', async () => {
    const notOnboarded = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    await fundPlatform(1000);
    await expect(stripe.transfers.create({ amount: 100, currency: 'usd', destination: notOnboarded.id })).rejects.toMatchObject({ code: 'insufficient_capabilities_for_transfer' });
    await expect(stripe.transfers.create({ amount: 100, currency: 'usd', destination: 'acct_nobody' })).rejects.toMatchObject({ statusCode: 400, param: 'destination' });
  });

  test('destination charges transfer the creator share from the payment (transfer_data)', async () => {
    const creator = await onboardedCreator();
    const intent = await stripe.paymentIntents.create({ amount: 10_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, application_fee_amount: 1000, transfer_data: { destination: creator.id } });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string, { expand: ['transfer'] });
    expect((charge.transfer as Stripe.Transfer)).toMatchObject({ amount: 9000, destination: creator.id, source_transaction: charge.id });
    expect(amountIn((await stripe.balance.retrieve({}, { stripeAccount: creator.id })).pending, 'usd')).toBe(9000);
  });
});

describe('payouts on connected accounts', () => {
  test('pending → in_transit → paid as the clock advances, with Connect events carrying account', async () => {
    const creator = await onboardedCreator();
    await fundPlatform(5000);
    await stripe.transfers.create({ amount: 5000, currency: 'usd', destination: creator.id });
    await expect(stripe.payouts.create({ amount: 6000, currency: 'usd' }, { stripeAccount: creator.id })).rejects.toMatchObject({ code: 'balance_insufficient' });
    const payout = await stripe.payouts.create({ amount: 4000, currency: 'usd', metadata: { payout: 'p9' } }, { stripeAccount: creator.id, idempotencyKey: 'po-p9' });
    expect(payout).toMatchObject({ object: 'payout', status: 'pending', amount: 4000, automatic: false, method: 'standard', type: 'bank_account' });
    expect(payout.id).toMatch(/^po_/);
    expect(payout.arrival_date).toBeGreaterThan(payout.created);
    expect(amountIn((await stripe.balance.retrieve({}, { stripeAccount: creator.id })).available, 'usd')).toBe(1000);
    await expect(stripe.payouts.retrieve(payout.id)).rejects.toMatchObject({ statusCode: 404 });

    t.sandbox.advanceClock(120);
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: creator.id })).status).toBe('in_transit');
    t.sandbox.advanceClock(86_400);
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: creator.id })).status).toBe('paid');
    const events = await stripe.events.list({ type: 'payout.*' }, { stripeAccount: creator.id });
    expect(events.data.map((event) => event.type)).toEqual(['payout.paid', 'payout.updated', 'payout.created']);
    expect(events.data.every((event) => event.account === creator.id)).toBe(true);
    expect((await stripe.events.list({ type: 'payout.paid' })).data.filter((event) => event.account === creator.id)).toEqual([]);
  });

  test('a payout to Stripe test account 000111111116 fails with no_account and the money returns', async () => {
    const creator = await onboardedCreator('000111111116');
    await fundPlatform(3000);
    await stripe.transfers.create({ amount: 3000, currency: 'usd', destination: creator.id });
    const payout = await stripe.payouts.create({ amount: 3000, currency: 'usd' }, { stripeAccount: creator.id });
    t.sandbox.advanceClock(2 * 86_400);
    const failed = await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: creator.id });
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'no_account' });
    expect(failed.failure_balance_transaction).toMatch(/^txn_/);
    expect(amountIn((await stripe.balance.retrieve({}, { stripeAccount: creator.id })).available, 'usd')).toBe(3000);
    const event = (await stripe.events.list({ type: 'payout.failed' }, { stripeAccount: creator.id })).data[0];
    expect(event).toMatchObject({ account: creator.id });
  });

  test('a pending payout can be canceled', async () => {
    const creator = await onboardedCreator();
    await fundPlatform(1000);
    await stripe.transfers.create({ amount: 1000, currency: 'usd', destination: creator.id });
    const payout = await stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: creator.id });
    expect((await stripe.payouts.cancel(payout.id, {}, { stripeAccount: creator.id })).status).toBe('canceled');
    expect(amountIn((await stripe.balance.retrieve({}, { stripeAccount: creator.id })).available, 'usd')).toBe(1000);
  });

  test('balance transactions list per account with type filter', async () => {
    const creator = await onboardedCreator();
    await fundPlatform(700);
    await stripe.transfers.create({ amount: 700, currency: 'usd', destination: creator.id });
    await stripe.payouts.create({ amount: 700, currency: 'usd' }, { stripeAccount: creator.id });
    const transactions = await stripe.balanceTransactions.list({}, { stripeAccount: creator.id });
    expect(transactions.data.map((transaction) => transaction.type)).toEqual(['payout', 'payment']);
    const payouts = await stripe.balanceTransactions.list({ type: 'payout' }, { stripeAccount: creator.id });
    expect(payouts.data).toHaveLength(1);
  });
});

describe('test clocks', () => {
  test('advancing a test clock moves sandbox time: pending funds become available', async () => {
    const now = Math.floor(t.sandbox.clock.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: now, name: 'hold period' });
    expect(clock).toMatchObject({ object: 'test_helpers.test_clock', status: 'ready', frozen_time: now, name: 'hold period' });
    expect(clock.id).toMatch(/^clock_/);
    const intent = await stripe.paymentIntents.create({ amount: 1234, currency: 'gbp', payment_method: 'pm_card_visa', confirm: true, expand: ['latest_charge'] });
    const transactionId = (intent.latest_charge as Stripe.Charge).balance_transaction as string;
    expect((await stripe.balanceTransactions.retrieve(transactionId)).status).toBe('pending');
    const advanced = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now + 3 * 86_400 });
    expect(advanced.status).toBe('advancing');
    expect((await stripe.testHelpers.testClocks.retrieve(clock.id)).status).toBe('ready');
    expect((await stripe.balanceTransactions.retrieve(transactionId)).status).toBe('available');
    await expect(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now })).rejects.toMatchObject({ statusCode: 400 });
    expect((await stripe.testHelpers.testClocks.del(clock.id)).deleted).toBe(true);
  });

  test('the sandbox control endpoint advances time too', async () => {
    const before = (await t.control('GET', '/_sandbox/clock')).body as { now: number };
    const after = (await t.control('POST', '/_sandbox/clock/advance', { seconds: 3600 })).body as { now: number };
    expect(after.now - before.now).toBeGreaterThanOrEqual(3600);
    expect((await t.control('POST', '/_sandbox/clock/advance', { seconds: -5 })).status).toBe(400);
  });
});
