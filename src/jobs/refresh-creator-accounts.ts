import { refreshPendingAccounts } from '../services/creators/refresh-account-status.js';
import type { JobDefinition } from './job.js';

/** Issue 14 §5: connected accounts whose payouts are not enabled yet, read from Stripe daily. */
export const refreshCreatorAccountsJob: JobDefinition = {
  name: 'refresh-creator-accounts',
  description: 'Read from Stripe every connected account whose payouts are not enabled yet, and keep its status',
  schedule: '20 3 * * *',
  async run(context) {
    const result = await refreshPendingAccounts(context.database.db, context, { actor: context.actor });
    return {
      message:
        result.checked === 0
          ? 'No connected account waits for payouts to be enabled'
          : `Checked ${result.checked} accounts: ${result.enabled.length} now enabled${result.failed.length > 0 ? `, ${result.failed.length} could not be read` : ''}`,
      updatedCount: result.enabled.length,
      ...result,
    };
  },
};
