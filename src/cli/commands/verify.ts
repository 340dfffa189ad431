import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { formatLedgerVerification, verifyLedger } from '../../ledger/verify-ledger.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/**
 * `payouts verify`: check every ledger invariant (DESIGN.md §3) over the whole database, read-only.
 * Prints the report; exit 0 when every invariant holds, 1 otherwise.
 */
export function registerVerifyCommand(program: Command, context: CliContext): void {
  program
    .command('verify')
    .description('check the ledger invariants; exit 1 with a report when any fails')
    .action(async () => {
      const config = loadConfig(context.env);
      const database = await openMigratedDatabase(config);
      try {
        const verification = await verifyLedger(database.db);
        context.out(formatLedgerVerification(verification));
        context.exitCode = verification.ok ? 0 : 1;
      } finally {
        await database.close();
      }
    });
}
