import { reconcileStalePayouts } from '../services/payouts/reconcile-stale-payouts.js';
import type { JobDefinition } from './job.js';

/** Payouts PROCESSING for longer than PAYOUT_STALE_MINUTES, checked against Stripe (seed 003). */
export const reconcilePayoutsJob: JobDefinition = {
  name: 'reconcile-payouts',
  description: 'Check payouts stuck in PROCESSING against Stripe: complete them, or alert the admins',
  schedule: '*/15 * * * *',
  async run(context) {
    const result = await reconcileStalePayouts(context.database.db, context, { actor: context.actor, limit: 100 });
    return {
      message:
        result.checked === 0
          ? 'No stale payouts'
          : `Checked ${result.checked} stale payouts: ${result.completed} completed, ${result.transferRecorded} transfers recorded, ${result.inFlight} in flight, ${result.alerted} alerted`,
      updatedCount: result.completed + result.transferRecorded,
      ...result,
    };
  },
};
