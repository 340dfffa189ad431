import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { openDatabase } from '../../db/database.js';
import { migrationStatus, runMigrations } from '../../db/migrate.js';
import type { CliContext } from '../cli-context.js';

/** `payouts migrate`: apply pending migrations and say how many. Works beside a running embedded server. */
export function registerMigrateCommand(program: Command, context: CliContext): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig(context.env);
      const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, whenLocked: 'share' });
      try {
        const { applied } = await runMigrations(database);
        const status = await migrationStatus(database);
        context.out(
          `Applied ${applied} migration${applied === 1 ? '' : 's'} to ${database.description}; ` +
            `${status.applied} of ${status.expected} applied${status.upToDate ? ', up to date' : ''}.`,
        );
      } finally {
        await database.close();
      }
    });
}
