import { runScheduledPayouts } from '../services/payouts/run-scheduled-payouts.js';
import type { JobDefinition } from './job.js';

/** Scheduled mode: the whole available balance on the creator's payout day, weekly or monthly (docs/payout-modes.md). */
export const scheduledPayoutsJob: JobDefinition = {
  name: 'scheduled-payouts',
  description: 'Scheduled mode: on Mondays (weekly) or the 1st (monthly), UTC, pay out the whole available balance, once per period',
  // Daily, after the 00:00 release-holds run: Monday's payouts include what was released overnight.
  schedule: '10 0 * * *',
  async run(context) {
    const result = await runScheduledPayouts(context.database.db, context, { limit: 1000 });
    const message = !result.enabled && result.attempted === 0
      ? 'No creator is in scheduled mode'
      : result.created === 0 && result.attempted === 0
        ? 'No scheduled payouts due'
        : `Created ${result.created} scheduled payouts; processed ${result.attempted}: ${result.paid} paid, ${result.processing} processing, ${result.retryScheduled} retry scheduled, ${result.failed} failed, ${result.waiting} waiting for the Stripe account`;
    return { message, updatedCount: result.created, ...result };
  },
};
