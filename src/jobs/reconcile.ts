import { reconcileWithStripe } from '../services/reconciliation/reconcile-with-stripe.js';
import type { JobDefinition } from './job.js';

/**
 * Seed 003's daily `reconcile-payouts`, in full (issue 14 §4, docs/reconciliation.md): the last
 * two days of Stripe's transfers, reversals, bank payouts, charges, refunds and disputes against
 * our books. (The seed's name is taken by the 15-minute repair of stale payouts.) 03:30 UTC, after
 * the day's webhooks have had time to arrive.
 */
export const reconcileJob: JobDefinition = {
  name: 'reconcile',
  description: 'Compare the last two days of Stripe transfers, reversals, bank payouts, charges, refunds and disputes with our books; alert each difference',
  schedule: '30 3 * * *',
  async run(context) {
    const run = await reconcileWithStripe(context.database.db, context, { actor: context.actor });
    const differences = run.counts.mismatched + run.counts.missing_here + run.counts.missing_at_stripe;
    return {
      message: `Run ${run.id}: ${run.stripeObjects} Stripe objects in ${run.stripeRequests} requests; ${run.counts.matched} matched, ${run.counts.expected} expected, ${differences} differences (${run.acceptedCount} accepted earlier), ${run.alertsOpened} alerts opened`,
      updatedCount: differences,
      runId: String(run.id),
      periodStart: run.periodStart.toISOString(),
      periodEnd: run.periodEnd.toISOString(),
      counts: run.counts,
      acceptedCount: run.acceptedCount,
      stripeObjects: run.stripeObjects,
      stripeRequests: run.stripeRequests,
      alertsOpened: run.alertsOpened,
    };
  },
};
