import type Stripe from 'stripe';
import { AppError } from '../../domain/errors/index.js';

/** Stripe's default: a signature older than this is a replay; one dated further ahead is refused too. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verify a webhook on its raw bytes with `stripe.webhooks.constructEvent`, accepting any of the
 * configured secrets (one endpoint for platform events, one for Connect events, or a rotation).
 * The signature's timestamp must be within the tolerance of now, in the past (Stripe's own
 * check) and in the future (ours: Stripe's SDK lets any future timestamp through).
 * Signatures carry wall-clock time (Stripe's test clocks, and ours, do not move them), so `nowMs`
 * defaults to `Date.now()`; tests pass it to check the tolerance edges.
 * @throws AppError WEBHOOK_SIGNATURE_MISSING / WEBHOOK_SIGNATURE_INVALID / WEBHOOK_NOT_CONFIGURED
 */
export function verifyStripeWebhook(
  stripe: Stripe,
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
  secrets: readonly string[],
  nowMs?: number,
): Stripe.Event {
  if (secrets.length === 0) {
    throw new AppError('WEBHOOK_NOT_CONFIGURED', 'No Stripe webhook signing secret is configured (STRIPE_WEBHOOK_SECRET)', { kind: 'unavailable' });
  }
  if (!signatureHeader) {
    throw new AppError('WEBHOOK_SIGNATURE_MISSING', 'The Stripe-Signature header is missing', { kind: 'invalid' });
  }
  let lastError: unknown;
  for (const secret of secrets) {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, nowMs);
    } catch (error) {
      lastError = error;
      continue;
    }
    // constructEvent only refuses signatures that are too old: one dated ahead of now is as
    // suspect (a replay prepared in advance, or a sender's clock far off), so the tolerance applies both ways.
    const signedAt = signedTimestamp(signatureHeader);
    const now = Math.floor((nowMs ?? Date.now()) / 1000);
    if (!Number.isFinite(signedAt) || signedAt - now > WEBHOOK_TOLERANCE_SECONDS) {
      throw new AppError('WEBHOOK_SIGNATURE_INVALID', `The webhook signature's timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s in the future`, {
        kind: 'invalid',
      });
    }
    return event;
  }
  throw new AppError('WEBHOOK_SIGNATURE_INVALID', `The webhook signature does not verify: ${(lastError as Error)?.message ?? 'no secret matched'}`, {
    kind: 'invalid',
  });
}

/**
 * The `t=` of a Stripe-Signature header, read as the Stripe SDK reads it (the last `t=` item,
 * `parseInt`): the timestamp its signature check covered.
 */
function signedTimestamp(header: string): number {
  let timestamp = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}
