import { runAutomaticPayouts } from '../services/payouts/run-automatic-payouts.js';
import type { JobDefinition } from './job.js';

/** Seed 004: each READY payment of a creator in automatic mode transferred on its own after the hold (docs/payout-modes.md). */
export const automaticPayoutsJob: JobDefinition = {
  name: 'automatic-payouts',
  description: 'Automatic mode: a payout per READY payment after its hold, then the transfer (retries by retry-payouts)',
  // Five minutes after release-holds (hourly at :00), so a payment released this hour goes out this hour.
  schedule: '5 * * * *',
  async run(context) {
    const result = await runAutomaticPayouts(context.database.db, context, { limit: 500 });
    const message = !result.enabled && result.attempted === 0
      ? 'No creator is in automatic mode'
      : result.created === 0 && result.attempted === 0
        ? 'No payments to transfer'
        : `Created ${result.created} automatic payouts; processed ${result.attempted}: ${result.paid} paid, ${result.processing} processing, ${result.retryScheduled} retry scheduled, ${result.failed} failed, ${result.waiting} waiting for the Stripe account`;
    const alerted = result.alertedPayoutIds.length === 0 ? '' : `; admins alerted about ${result.alertedPayoutIds.length} automatic transfers that failed for good`;
    return { message: message + alerted, updatedCount: result.created, ...result };
  },
};
