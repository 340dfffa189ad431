import { describe, expect, it } from 'vitest';
import { createStripeClient } from './stripe-client.js';
import { verifyStripeWebhook, WEBHOOK_TOLERANCE_SECONDS } from './verify-webhook.js';

/** Issue 15 §1: Stripe's SDK only refuses old signatures; one dated ahead of now must be refused too. */
const stripe = createStripeClient({ secretKey: 'sk_test_verify' });
const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } });
const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const signedAt = (atMs: number, header?: (t: number, signed: string) => string) => {
  const t = Math.floor(atMs / 1000);
  const signed = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_platform', timestamp: t });
  return header ? header(t, signed) : signed;
};
const verify = (header: string) => {
  try {
    return verifyStripeWebhook(stripe, payload, header, ['whsec_platform'], now).id;
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
};

describe('verifyStripeWebhook and the future', () => {
  it('refuses a signature dated an hour ahead', () => {
    expect(verify(signedAt(now + 3_600_000))).toBe(`WEBHOOK_SIGNATURE_INVALID: The webhook signature's timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s in the future`);
  });

  it('refuses one just past the tolerance, accepts one at it (clock skew)', () => {
    expect(verify(signedAt(now + (WEBHOOK_TOLERANCE_SECONDS + 1) * 1000))).toMatch(/^WEBHOOK_SIGNATURE_INVALID/);
    expect(verify(signedAt(now + WEBHOOK_TOLERANCE_SECONDS * 1000))).toBe('evt_1');
  });

  it('reads the timestamp the signature covers, as the SDK does (the last t=), so a stale t= in front changes nothing', () => {
    expect(verify(signedAt(now + 3_600_000, (_t, signed) => `t=${Math.floor(now / 1000)},${signed}`))).toMatch(/^WEBHOOK_SIGNATURE_INVALID/);
  });
});
