import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { isAppError } from '../domain/errors/index.js';
import { processCliContext, type CliContext } from './cli-context.js';
import { registerJobsCommand } from './commands/jobs.js';
import { registerApiKeysCommand } from './commands/api-keys.js';
import { registerExportCommand } from './commands/export.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUsersCommand } from './commands/users.js';
import { registerVerifyCommand } from './commands/verify.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * Exit codes: 0 success; 1 the command failed (an error, or `verify` found a broken invariant);
 * 2 the invocation was wrong (bad configuration, bad arguments, invalid input).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

export function createProgram(context: CliContext): Command {
  const program = new Command('payouts')
    .description('Payouts: payout management for marketplaces (Stripe Connect). Configured by environment variables; see .env.example.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.out(text.replace(/\n$/, '')),
      writeErr: (text) => context.err(text.replace(/\n$/, '')),
    });
  registerServeCommand(program, context);
  registerMigrateCommand(program, context);
  registerVerifyCommand(program, context);
  registerUsersCommand(program, context);
  registerApiKeysCommand(program, context);
  registerJobsCommand(program, context);
  registerExportCommand(program, context);
  registerSandboxCommand(program, context);
  return program;
}

/** Report an error the way a person at a terminal wants it, and choose the exit code. */
function reportError(error: unknown, context: CliContext): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help/version asked for).
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof ConfigError) {
    context.err(error.message);
    return ExitCode.usage;
  }
  if (isAppError(error)) {
    context.err(`${error.code}: ${error.message}`);
    return error.kind === 'invalid' ? ExitCode.usage : ExitCode.failed;
  }
  context.err(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return ExitCode.failed;
}

/**
 * Run the CLI on `args` (without `node` and the script) and return the exit code; the caller exits.
 *
 * @example
 * process.exit(await runCli(['verify'])); // 0 when the ledger holds every invariant
 */
export async function runCli(args: readonly string[], context: CliContext = processCliContext()): Promise<number> {
  try {
    await createProgram(context).parseAsync([...args], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    return reportError(error, context);
  }
}
