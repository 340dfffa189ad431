import { z } from 'zod';
import { getWebhookEvent } from '../../services/webhooks/get-webhook-event.js';
import { listWebhookEvents } from '../../services/webhooks/list-webhook-events.js';
import type { WebhookEventRow } from '../../services/webhooks/record-webhook-attempt.js';
import { retryWebhookEvent } from '../../services/webhooks/retry-webhook-event.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

const webhookStatuses = ['processing', 'completed', 'failed', 'ignored'] as const;

export const webhookEventResource = z.object({
  id: z.string().describe("Stripe's event id"),
  type: z.string(),
  account: z.string().nullable().describe('The connected account of a Connect event'),
  status: z.enum(webhookStatuses),
  attempts: z.number().int(),
  duplicates: z.number().int().describe('Copies received after the first'),
  error: z.string().nullable().describe('failed: `CODE: message` of the last attempt; ignored: why'),
  receivedAt: z.string(),
  processedAt: z.string().nullable(),
  nextRetryAt: z.string().nullable().describe('failed: when the sweep retries it; null once its automatic retries are exhausted'),
});

const webhookEventWithPayload = webhookEventResource.extend({ payload: z.record(z.string(), z.unknown()).describe('The event as Stripe sent it') });

const statsSchema = z.object({
  total: z.number().int(),
  processing: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  ignored: z.number().int(),
  duplicates: z.number().int(),
});

function toResource(row: Omit<WebhookEventRow, 'payload'>): z.infer<typeof webhookEventResource> {
  return {
    id: row.id,
    type: row.type,
    account: row.account,
    status: row.status,
    attempts: row.attempts,
    duplicates: row.duplicates,
    error: row.error,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
    nextRetryAt: row.nextRetryAt?.toISOString() ?? null,
  };
}

function withPayload(row: WebhookEventRow): z.infer<typeof webhookEventWithPayload> {
  return { ...toResource(row), payload: (row.payload ?? {}) as Record<string, unknown> };
}

/** Admin view of Stripe webhook events (docs/webhooks.md): list with statistics, one event, manual retry. */
export async function adminWebhookRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/webhooks',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Stored Stripe webhook events, newest first, with processing statistics',
        description: '`stats` covers every stored event (events are kept `WEBHOOK_RETENTION_DAYS`), whatever the filters.',
        tags: ['admin', 'webhooks'],
        querystring: z.strictObject({
          status: z.enum(webhookStatuses).optional(),
          type: z.string().min(1).max(255).optional().describe('e.g. payment_intent.succeeded'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().min(1).max(500).optional(),
        }),
        response: { 200: z.object({ data: z.array(webhookEventResource), nextCursor: z.string().nullable(), stats: statsSchema }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const page = await listWebhookEvents(app.deps.database.db, request.query);
      return { data: page.data.map(toResource), nextCursor: page.nextCursor, stats: page.stats };
    },
  );

  app.get(
    '/api/admin/webhooks/:id',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'One stored webhook event, with its payload',
        tags: ['admin', 'webhooks'],
        params: z.object({ id: z.string().min(1).max(255) }),
        response: { 200: z.object({ event: webhookEventWithPayload }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      return { event: withPayload(await getWebhookEvent(app.deps.database.db, request.params.id)) };
    },
  );

  app.post(
    '/api/admin/webhooks/:id/retry',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Run a failed (or ignored) webhook event again from its stored payload',
        description:
          'Runs now, even after the automatic retries are exhausted. Answers 200 with the event as it ends (`completed`, `ignored`, or `failed` with the new error). ' +
          '409 WEBHOOK_EVENT_ALREADY_COMPLETED for a completed event; 409 WEBHOOK_EVENT_IN_PROGRESS while the retry sweep runs it.',
        tags: ['admin', 'webhooks'],
        params: z.object({ id: z.string().min(1).max(255) }),
        response: { 200: z.object({ event: webhookEventResource }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const row = await retryWebhookEvent(app.deps.database.db, app.deps, { eventId: request.params.id, actor: request.principal!.actor });
      return { event: toResource(row) };
    },
  );
}
