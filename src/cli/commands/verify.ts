import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { formatLedgerVerification, verifyLedger } from '../../ledger/verify-ledger.js';
import { formatAnalyticsVerification, verifyAnalytics } from '../../services/analytics/verify-analytics.js';
import { formatPayoutVerification, verifyPayouts } from '../../services/payouts/verify-payouts.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/**
 * `payouts verify`: check every ledger invariant (DESIGN.md §3), then the payout invariants
 * (each payout's ledger steps, allocations, no share paid twice; docs/payouts.md),
 * and that the analytics aggregates equal a recount of payments and payouts (docs/analytics.md),
 * over the whole database, read-only. Prints the reports; exit 0 when every invariant holds, 1 otherwise.
 */
export function registerVerifyCommand(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description('check the ledger and payout invariants and the analytics aggregates; exit 1 with a report when any fails')
    .action(async () => {
      const config = loadConfig(context.env);
      const database = await openMigratedDatabase(config);
      try {
        const ledger = await verifyLedger(database.db);
        const payouts = await verifyPayouts(database.db);
        const analytics = await verifyAnalytics(database.db);
        context.out(`${formatLedgerVerification(ledger)}\n\n${formatPayoutVerification(payouts)}\n\n${formatAnalyticsVerification(analytics)}`);
        context.exitCode = ledger.ok && payouts.ok && analytics.ok ? 0 : 1;
      } finally {
        await database.close();
      }
    });
}
