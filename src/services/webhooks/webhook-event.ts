import { z } from 'zod';
import { AppError } from '../../domain/errors/index.js';

/**
 * The part of a Stripe event the service relies on, parsed from the verified body (or the stored
 * payload when an event is retried). Handlers parse `data.object` further with their own schema.
 */
export const webhookEventSchema = z
  .object({
    id: z.string().min(1).max(255),
    type: z.string().min(1).max(255),
    /** Unix seconds, when Stripe created the event. */
    created: z.number().int(),
    /** The connected account of a Connect event. */
    account: z.string().nullish(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }).loose(),
  })
  .loose();

export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/**
 * Parse a verified event. A body that is correctly signed but is not a Stripe event is refused
 * (400) before anything is stored.
 * @throws AppError WEBHOOK_EVENT_MALFORMED
 */
export function parseWebhookEvent(payload: unknown): WebhookEvent {
  const parsed = webhookEventSchema.safeParse(payload);
  if (!parsed.success) {
    throw new AppError('WEBHOOK_EVENT_MALFORMED', `The webhook body is not a Stripe event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
      kind: 'invalid',
    });
  }
  return parsed.data;
}
