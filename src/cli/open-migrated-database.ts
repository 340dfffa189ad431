import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrationStatus } from '../db/migrate.js';
import { AppError } from '../domain/errors/index.js';

/**
 * The configured database for a command that writes to it: through a running embedded server's
 * socket when one owns the data directory, and only when every migration is applied.
 */
export async function openMigratedDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, whenLocked: 'share' });
  try {
    const status = await migrationStatus(database);
    if (!status.upToDate) {
      throw new AppError(
        'MIGRATIONS_PENDING',
        `${database.description} has ${status.applied} of ${status.expected} migrations applied; run \`payouts migrate\` first.`,
        { kind: 'conflict' },
      );
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
