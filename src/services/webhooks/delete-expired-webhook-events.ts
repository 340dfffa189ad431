import { lt, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';

/**
 * Delete webhook events received more than `retentionDays` ago (DESIGN.md §4: stored events
 * expire after 30 days, `config.webhookRetentionDays`), in batches so no single statement holds
 * many locks. A duplicate of a deleted event arriving later would be processed again — Stripe
 * stops retrying after 3 days, and the handlers are idempotent anyway.
 *
 * @example
 * await deleteExpiredWebhookEvents(database.db, { now: clock.now(), retentionDays: config.webhookRetentionDays });
 * // { deleted: 1234, cutoff: 2026-01-01T00:00:00.000Z }
 */
export async function deleteExpiredWebhookEvents(
  db: DbExecutor,
  input: { now: Date; retentionDays: number; batchSize?: number },
): Promise<{ deleted: number; cutoff: Date }> {
  const cutoff = new Date(input.now.getTime() - input.retentionDays * 86_400_000);
  const batchSize = input.batchSize ?? 1000;
  let deleted = 0;
  for (;;) {
    const batch = db.select({ id: webhookEvents.id }).from(webhookEvents).where(lt(webhookEvents.receivedAt, cutoff)).limit(batchSize).for('update', { skipLocked: true });
    const rows = await db.delete(webhookEvents).where(sql`${webhookEvents.id} in ${batch}`).returning({ id: webhookEvents.id });
    deleted += rows.length;
    if (rows.length < batchSize) return { deleted, cutoff };
  }
}
