import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import { defaultWebhookRetryPolicy, type WebhookRetryPolicy } from '../../domain/webhooks/retry-schedule.js';
import type { ServiceContext } from '../context.js';
import { applyWebhookEvent } from './apply-webhook-event.js';
import { prepareWebhookEvent } from './prepare-webhook-event.js';
import { recordWebhookAttempt } from './record-webhook-attempt.js';
import { parseWebhookEvent } from './webhook-event.js';
import { describeWebhookFailure } from './webhook-failure.js';

export interface RetryFailedWebhookEventsOptions {
  /** Events claimed in one run (default 100). */
  limit?: number;
  policy?: WebhookRetryPolicy;
  /** How long a claim lasts: an instance that dies mid-run leaves its events to be claimed again after this (default 300 s). */
  leaseSeconds?: number;
}

export interface RetryFailedWebhookEventsResult {
  claimed: number;
  completed: number;
  ignored: number;
  failed: number;
  /** Failed for the last time: no automatic retry is left (the admins were told). */
  exhausted: number;
  eventIds: string[];
}

/**
 * The retry sweep for failed webhook events (run by a job, e.g. every minute). Claims the due
 * events — `failed` with `next_retry_at` passed, or `processing` whose claim has expired — with
 * `FOR UPDATE SKIP LOCKED`, marking them `processing`, counting the attempt and leasing them, so
 * several instances share the work and never run one event twice. Each event is then run from its
 * stored payload in a transaction of its own (Stripe reads first, outside it), and ends
 * `completed`, `ignored`, or `failed` with its next retry time (backoff; none after
 * `policy.maxAttempts`).
 *
 * @example
 * await retryFailedWebhookEvents(database.db, { config, clock, stripe }, { limit: 50 });
 * // { claimed: 2, completed: 1, ignored: 0, failed: 1, exhausted: 0, eventIds: ['evt_…', 'evt_…'] }
 */
export async function retryFailedWebhookEvents(db: DbExecutor, context: ServiceContext, options: RetryFailedWebhookEventsOptions = {}): Promise<RetryFailedWebhookEventsResult> {
  const limit = options.limit ?? 100;
  const policy = options.policy ?? defaultWebhookRetryPolicy;
  const now = context.clock.now();
  const leaseUntil = new Date(now.getTime() + (options.leaseSeconds ?? 300) * 1000);

  const due = db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(inArray(webhookEvents.status, ['failed', 'processing']), lte(webhookEvents.nextRetryAt, now)))
    .orderBy(webhookEvents.nextRetryAt)
    .limit(limit)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(webhookEvents)
    .set({ status: 'processing', attempts: sql`${webhookEvents.attempts} + 1`, nextRetryAt: leaseUntil })
    .where(inArray(webhookEvents.id, due))
    .returning({ id: webhookEvents.id, type: webhookEvents.type, payload: webhookEvents.payload, attempts: webhookEvents.attempts });

  const summary: RetryFailedWebhookEventsResult = { claimed: claimed.length, completed: 0, ignored: 0, failed: 0, exhausted: 0, eventIds: [] };
  for (const claim of claimed) {
    const outcome = await retryClaimedEvent(db, context, claim, policy);
    if (!outcome) continue;
    summary.eventIds.push(claim.id);
    summary[outcome.status] += 1;
    if (outcome.status === 'failed' && outcome.exhausted) summary.exhausted += 1;
  }
  return summary;
}

async function retryClaimedEvent(
  db: DbExecutor,
  context: ServiceContext,
  claim: { id: string; type: string; payload: unknown; attempts: number },
  policy: WebhookRetryPolicy,
): Promise<{ status: 'completed' | 'ignored' | 'failed'; exhausted: boolean } | undefined> {
  let event;
  try {
    event = parseWebhookEvent(claim.payload);
  } catch (error) {
    // A stored payload that no longer parses cannot get better by waiting: fail it for good.
    await db.transaction((tx) =>
      recordWebhookAttempt(tx, {
        eventId: claim.id,
        eventType: claim.type,
        attempts: Math.max(claim.attempts, policy.maxAttempts),
        result: { status: 'failed', failure: describeWebhookFailure(error) },
        now: context.clock.now(),
        policy,
      }),
    );
    return { status: 'failed', exhausted: true };
  }
  const prepared = await prepareWebhookEvent(event, context, db);
  return db.transaction(async (tx) => {
    // Still ours? An admin's manual retry may have finished it since the claim.
    const [row] = await tx
      .select({ status: webhookEvents.status, attempts: webhookEvents.attempts })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, claim.id))
      .for('update');
    if (!row || row.status !== 'processing' || row.attempts !== claim.attempts) return undefined;
    const result = await applyWebhookEvent(tx, event, prepared, context);
    const updated = await recordWebhookAttempt(tx, { eventId: claim.id, eventType: claim.type, attempts: claim.attempts, result, now: context.clock.now(), policy });
    return { status: result.status, exhausted: result.status === 'failed' && updated.nextRetryAt === null };
  });
}
