import { describe, expect, it } from 'vitest';
import { createStripeClient } from './stripe-client.js';
import { verifyStripeWebhook } from './verify-webhook.js';

const stripe = createStripeClient({ secretKey: 'sk_test_verify' });
const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } });
const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const signed = (secret: string, atMs = now, body = payload) =>
  stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(atMs / 1000) });

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'verified';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('verifyStripeWebhook', () => {
  it('accepts a signature made with any of the configured secrets', () => {
    for (const secret of ['whsec_platform', 'whsec_connect']) {
      const event = verifyStripeWebhook(stripe, Buffer.from(payload), signed(secret), ['whsec_platform', 'whsec_connect'], now);
      expect(event.id).toBe('evt_1');
    }
  });

  it.each([
    ['an unknown secret', () => verifyStripeWebhook(stripe, payload, signed('whsec_other'), ['whsec_platform'], now), 'WEBHOOK_SIGNATURE_INVALID'],
    ['a body changed by one byte', () => verifyStripeWebhook(stripe, payload.replace('pi_1', 'pi_2'), signed('whsec_platform'), ['whsec_platform'], now), 'WEBHOOK_SIGNATURE_INVALID'],
    ['a signature older than 5 minutes', () => verifyStripeWebhook(stripe, payload, signed('whsec_platform', now - 301_000), ['whsec_platform'], now), 'WEBHOOK_SIGNATURE_INVALID'],
    ['no header', () => verifyStripeWebhook(stripe, payload, undefined, ['whsec_platform'], now), 'WEBHOOK_SIGNATURE_MISSING'],
    ['no secret configured', () => verifyStripeWebhook(stripe, payload, signed('whsec_platform'), [], now), 'WEBHOOK_NOT_CONFIGURED'],
  ])('refuses %s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it('accepts a signature 4 minutes old, at the edge of the tolerance', () => {
    expect(codeOf(() => verifyStripeWebhook(stripe, payload, signed('whsec_platform', now - 240_000), ['whsec_platform'], now))).toBe('verified');
  });
});
