import { createHmac } from 'node:crypto';

/**
 * The `Stripe-Signature` header for a payload, exactly as Stripe computes it:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed by the whole whsec_… secret>`.
 * Receivers verify it with `stripe.webhooks.constructEvent(rawBody, header, secret)`.
 *
 * @example
 * signWebhookPayload('{"id":"evt_1"}', 'whsec_abc', 1700000000); // 't=1700000000,v1=5f…'
 */
export function signWebhookPayload(payload: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}
