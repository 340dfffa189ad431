import { retryPayouts } from '../services/payouts/retry-payouts.js';
import type { JobDefinition } from './job.js';

/** Due transfer retries and crashed sagas, continued with one transfer per payout (docs/payout-processing.md). */
export const retryPayoutsJob: JobDefinition = {
  name: 'retry-payouts',
  description: 'Retry failed payout transfers when due, and repair payouts a crash left half-way (Stripe looked up first)',
  schedule: '* * * * *',
  async run(context) {
    const result = await retryPayouts(context.database.db, context, { actor: context.actor, limit: 100 });
    const alerted = result.alertedPayoutIds.length === 0 ? '' : `; admins alerted about ${result.alertedPayoutIds.length} automatic transfers that failed for good`;
    return {
      message:
        (result.claimed === 0
          ? 'No payouts to retry'
          : `Retried ${result.claimed} payouts: ${result.paid} paid, ${result.processing} processing, ${result.retryScheduled} retry scheduled, ${result.failed} failed`) + alerted,
      updatedCount: result.claimed,
      ...result,
    };
  },
};
