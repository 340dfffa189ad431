import { AppError } from '../domain/errors/index.js';
import { automaticPayoutsJob } from './automatic-payouts.js';
import { deliverNotificationsJob } from './deliver-notifications.js';
import type { JobDefinition } from './job.js';
import { monitorPayoutsJob } from './monitor-payouts.js';
import { platformBalanceCheckJob } from './platform-balance-check.js';
import { reconcileJob } from './reconcile.js';
import { reconcilePayoutsJob } from './reconcile-payouts.js';
import { refreshCreatorAccountsJob } from './refresh-creator-accounts.js';
import { releaseHoldsJob } from './release-holds.js';
import { retryPayoutsJob } from './retry-payouts.js';
import { scheduledPayoutsJob } from './scheduled-payouts.js';
import { cleanupWebhooksJob, retryWebhooksJob } from './webhook-jobs.js';

/** Every scheduled sweep of DESIGN.md §7 that exists so far. */
export const jobs: readonly JobDefinition[] = [releaseHoldsJob, retryWebhooksJob, cleanupWebhooksJob, retryPayoutsJob, reconcilePayoutsJob, automaticPayoutsJob, scheduledPayoutsJob, deliverNotificationsJob, refreshCreatorAccountsJob, monitorPayoutsJob, platformBalanceCheckJob, reconcileJob];

export function findJob(name: string): JobDefinition {
  const job = jobs.find((j) => j.name === name);
  if (!job) {
    throw new AppError('UNKNOWN_JOB', `No job named "${name}". Jobs: ${jobs.map((j) => j.name).join(', ')}`, { kind: 'not_found', details: { job: name } });
  }
  return job;
}
