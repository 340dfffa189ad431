import { deliverySettings, emailTransportFor, startNotificationWorker } from '../services/notifications/notification-worker.js';
import type { JobDefinition } from './job.js';

/**
 * Outbox delivery on demand (`POST /api/cron/deliver-notifications`, `payouts jobs run
 * deliver-notifications`): everything due now, then stop. The server does not need it — its own
 * worker delivers right after each commit and sweeps every 10 s — but a deployment without a
 * long-running process (or an operator in a hurry) can drive delivery with it.
 */
export const deliverNotificationsJob: JobDefinition = {
  name: 'deliver-notifications',
  description: 'Deliver due notifications (email and in-app) from the outbox; the server also does it continuously',
  schedule: null,
  async run(context) {
    const db = context.database.db;
    const worker = startNotificationWorker({ db, clock: context.clock, settings: deliverySettings(context.config), transport: emailTransportFor(context.config, db, context.clock), sweepMs: 2 ** 31 - 1 });
    try {
      const report = await worker.drain();
      return {
        message: report.claimed === 0 ? 'No notifications to deliver' : `Delivered ${report.sent} notifications (${report.emailed} emails); ${report.retrying} to retry, ${report.failed} failed`,
        updatedCount: report.sent,
        ...report,
      };
    } finally {
      await worker.stop();
    }
  },
};
