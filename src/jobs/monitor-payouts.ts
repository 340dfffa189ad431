import { monitorPayouts } from '../services/alerts/monitor-payouts.js';
import type { JobDefinition } from './job.js';

/** Stale payouts at each stage, the failure rate, failing Stripe events: alerts opened and resolved (issue 14 §3, docs/alerts.md). */
export const monitorPayoutsJob: JobDefinition = {
  name: 'monitor-payouts',
  description: 'Open alerts for payouts stuck at a stage, a failure rate above 5 % and failing Stripe events; resolve those that cleared',
  schedule: '*/15 * * * *',
  async run(context) {
    const result = await monitorPayouts(context.database.db, context);
    const { found } = result;
    const rate = found.failureRate ? ` failure rate ${(found.failureRate.rate * 100).toFixed(1)} % (${found.failureRate.failed}/${found.failureRate.finished});` : '';
    return {
      message:
        `Found ${found.reviewOverdue} awaiting review too long, ${found.stale} stale, ${found.bankPayoutOverdue} bank payouts overdue, ${found.webhookEventsFailing} Stripe events failing;${rate} ` +
        `${result.opened} alerts opened${result.summarised > 0 ? ` (${result.summarised} more summarised in one)` : ''}, ${result.resolved} resolved`,
      updatedCount: result.opened + result.resolved,
      ...result,
    };
  },
};
