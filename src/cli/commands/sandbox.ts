import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

/** `payouts sandbox [--port P] [--state FILE]`: the local Stripe sandbox on its own (docs/sandbox.md). */
export function registerSandboxCommand(program: Command, context: CliContext): void {
  program
    .command('sandbox')
    .description('run the local Stripe-compatible sandbox on its own')
    .option('--port <port>', 'TCP port', '12111')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--state <file>', 'keep the objects in this JSON file across restarts (default: memory only)')
    .action(async (options: { port: string; host: string; state?: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${options.port}`);
      // Runs until SIGINT/SIGTERM, which close the sandbox and exit 0.
      const { runSandboxCommand } = await import('../../sandbox/index.js');
      await runSandboxCommand({ port, host: options.host, ...(options.state && { stateFile: options.state }), log: context.out });
      await new Promise<never>(() => {});
    });
}
