import { releaseDuePayments } from '../services/payments/release-due-payments.js';
import type { JobDefinition } from './job.js';

/** HELD → READY once the hold has ended (seed 000's daily cron; hourly here). */
export const releaseHoldsJob: JobDefinition = {
  name: 'release-holds',
  description: 'Make payments whose holding period has ended available (HELD → READY)',
  schedule: '0 * * * *',
  async run(context) {
    const { updatedCount, payments } = await releaseDuePayments(context.database.db, { actor: context.actor }, context);
    return {
      message: updatedCount === 0 ? 'No payments to update' : `Updated ${updatedCount} payments to READY status`,
      updatedCount,
      paymentIds: payments.map((p) => p.id),
      payments: payments.map((p) => ({ id: p.id, amount: Number(p.amount), currency: p.currency, creatorName: p.creatorName, releaseDate: p.releaseDate.toISOString() })),
    };
  },
};
