import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import type { CliContext } from '../cli-context.js';

/** `payouts serve`: run the HTTP service until SIGTERM/SIGINT (then exit 0 after a graceful shutdown). */
export function registerServeCommand(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('run the HTTP service (embedded PGlite in DATA_DIR unless DATABASE_URL is set); migrations are applied first')
    .action(async () => {
      const config = loadConfig(context.env);
      // Loaded on demand: the HTTP stack takes half a second to import, which the other commands need not pay.
      const { startServer } = await import('../serve.js');
      const server = await startServer(config);
      await server.closed;
    });
}
