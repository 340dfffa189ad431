import { deleteExpiredWebhookEvents } from '../services/webhooks/delete-expired-webhook-events.js';
import { retryFailedWebhookEvents } from '../services/webhooks/retry-failed-webhook-events.js';
import type { JobDefinition } from './job.js';

/** Failed Stripe events, run again from their stored payload with backoff (docs/webhooks.md). */
export const retryWebhooksJob: JobDefinition = {
  name: 'retry-webhooks',
  description: 'Run failed Stripe webhook events again, with backoff and a cap',
  schedule: '* * * * *',
  async run(context) {
    const result = await retryFailedWebhookEvents(context.database.db, context, { limit: 100 });
    return {
      message: result.claimed === 0 ? 'No webhook events to retry' : `Retried ${result.claimed} webhook events: ${result.completed} completed, ${result.failed} failed`,
      updatedCount: result.claimed,
      ...result,
    };
  },
};

/** Stored events older than WEBHOOK_RETENTION_DAYS (30) are deleted (seed 002). */
export const cleanupWebhooksJob: JobDefinition = {
  name: 'cleanup-webhooks',
  description: 'Delete stored webhook events older than WEBHOOK_RETENTION_DAYS',
  schedule: '30 3 * * 0',
  async run(context) {
    const { deleted, cutoff } = await deleteExpiredWebhookEvents(context.database.db, {
      now: context.clock.now(),
      retentionDays: context.config.webhookRetentionDays,
    });
    return { message: `Deleted ${deleted} webhook events received before ${cutoff.toISOString()}`, updatedCount: deleted, cutoff: cutoff.toISOString() };
  },
};
