import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../src/ledger/index.js';
import { createTestApp, type TestApp } from './app.js';
import { testDatabaseKind } from './database.js';
import { createPrincipals, type TestPrincipals } from './principals.js';
import { waitFor } from './wait-for.js';

/**
 * Issue 4's whole path, through the surfaces a host platform, Stripe and a creator use: the
 * platform onboards a creator (an Express account in the sandbox), a customer pays in the
 * sandbox with the real SDK, the signed webhook records the payment HELD, the test clock passes
 * the hold, the cron endpoint releases it, and the creator's balance shows it available.
 */
let t: TestApp;
let who: TestPrincipals;
let customerStripe: Stripe;

beforeAll(async () => {
  t = await createTestApp({ listen: true, env: { PAYOUT_HOLDING_DAYS: '7', ENABLE_TEST_CLOCK: '1' } });
  who = await createPrincipals(t);
  customerStripe = new Stripe('sk_test_customer_side', t.testSandbox!.clientOptions);
});
afterAll(async () => {
  expect(t.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

describe(`money in, end to end, on ${testDatabaseKind}`, () => {
  it('onboards, takes payments in EUR and JPY, holds, releases and shows the balance', async () => {
    const onboarded = await api('POST', '/api/creators', who.headers.platform, { email: 'ada@example.test', name: 'Ada', payoutMode: 'manual' });
    expect(onboarded.statusCode).toBe(201);
    const { creator, user, onboardingUrl } = onboarded.json();
    expect(onboardingUrl).toMatch(/\/_sandbox\/onboarding\//);
    await fetch(onboardingUrl, { redirect: 'manual' }); // the creator completes onboarding
    const tokenReply = await api('POST', '/api/auth/tokens', who.headers.platform, { userId: user.id });
    const asCreator = { authorization: `Bearer ${tokenReply.json().token}` };

    for (const [amount, currency, bookingId] of [[7000, 'eur', 'bk-e2e-1'], [10050, 'eur', 'bk-e2e-2'], [1999, 'jpy', 'bk-e2e-3']] as const) {
      await customerStripe.paymentIntents.create({ amount, currency, payment_method: 'pm_card_visa', confirm: true, metadata: { creatorId: creator.id, bookingId } });
    }
    const held = await waitFor('three payments from the webhooks', async () => {
      const list = (await api('GET', '/api/payments?limit=10', asCreator)).json();
      return list.data.length === 3 ? list.data : undefined;
    });
    const byBooking = Object.fromEntries(held.map((p: { bookingId: string }) => [p.bookingId, p]));
    expect(byBooking['bk-e2e-1']).toMatchObject({ status: 'HELD', amount: 7000, feeAmount: 700, creatorAmount: 6300, currency: 'eur' });
    expect(byBooking['bk-e2e-2']).toMatchObject({ amount: 10050, feeAmount: 1005, creatorAmount: 9045 }); // 1004.5 rounds half up
    expect(byBooking['bk-e2e-3']).toMatchObject({ amount: 1999, feeAmount: 200, creatorAmount: 1799, currency: 'jpy' });

    const before = (await api('GET', '/api/payouts/request', asCreator)).json();
    expect(before).toMatchObject({ currency: 'eur', availableBalance: 0, pendingBalance: 6300 + 9045, stripeConnected: true });
    expect(before.payments.held.every((p: { releaseInSeconds: number }) => p.releaseInSeconds > 6 * 86400)).toBe(true);

    expect((await api('POST', '/api/test/clock', {}, { advanceSeconds: 7 * 86400 + 60 })).statusCode).toBe(200);
    const release = await api('POST', '/api/payouts/update-status', who.headers.cron);
    expect(release.json()).toMatchObject({ success: true, updatedCount: 3 });

    const freshToken = (await api('POST', '/api/auth/tokens', who.headers.platform, { userId: user.id })).json().token;
    const after = (await api('GET', '/api/payouts/request', { authorization: `Bearer ${freshToken}` })).json();
    expect(after).toMatchObject({ availableBalance: 15345, pendingBalance: 0 });
    expect(after.payments.ready).toHaveLength(2);
    const yen = (await api('GET', '/api/payouts/request?currency=jpy', { authorization: `Bearer ${freshToken}` })).json();
    expect(yen).toMatchObject({ currency: 'jpy', availableBalance: 1799 });

    const verification = await verifyLedger(t.database.db);
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
  });
});
