import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { payoutsCsv } from '../../services/payouts/export-payouts-csv.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/**
 * `payouts export payouts --format csv [--creator ID] [--output FILE]`: the payout history as
 * CSV — exactly what `GET /api/payouts/export.csv` sends (one function writes both). To stdout
 * unless `--output` names a file; a summary line goes to stderr.
 */
export function registerExportCommand(program: Command, context: CliContext): void {
  const exportCommand = program.command('export').description('export data');
  exportCommand
    .command('payouts')
    .description('export the payout history (all creators, or one)')
    .addOption(new Option('--format <format>', 'output format').choices(['csv']).makeOptionMandatory())
    .option('--creator <id>', "only this creator's payouts (cr_…)")
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (options: { format: 'csv'; creator?: string; output?: string }) => {
      const config = loadConfig(context.env);
      const database = await openMigratedDatabase(config);
      let payouts = 0;
      try {
        const csv = payoutsCsv(database.db, { creatorId: options.creator }, { onPage: (count) => (payouts += count) });
        if (options.output !== undefined) {
          await pipeline(Readable.from(csv), createWriteStream(options.output));
          context.err(`Wrote ${payouts} payout(s) to ${options.output}`);
        } else {
          // Each chunk ends with CRLF; out() adds the LF back, so stdout gets the exact bytes.
          for await (const chunk of csv) context.out(chunk.slice(0, -1));
          context.err(`Exported ${payouts} payout(s)`);
        }
      } finally {
        await database.close();
      }
    });
}

