import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { isAppError } from '../domain/errors/index.js';
import { processCliContext, type CliContext } from './cli-context.js';

type RegisterCommand = (program: Command, context: CliContext) => void;

/**
 * Each top-level command and the module that registers it, loaded only when it is the command
 * run: a command pays for its own imports (`jobs list` never loads the HTTP stack or the Stripe
 * SDK), which is most of a short command's time. Help and unknown commands load them all.
 */
const commandModules: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  migrate: async () => (await import('./commands/migrate.js')).registerMigrateCommand,
  verify: async () => (await import('./commands/verify.js')).registerVerifyCommand,
  users: async () => (await import('./commands/users.js')).registerUsersCommand,
  'api-keys': async () => (await import('./commands/api-keys.js')).registerApiKeysCommand,
  jobs: async () => (await import('./commands/jobs.js')).registerJobsCommand,
  export: async () => (await import('./commands/export.js')).registerExportCommand,
  sandbox: async () => (await import('./commands/sandbox.js')).registerSandboxCommand,
  stripe: async () => (await import('./commands/stripe.js')).registerStripeCommand,
  reconcile: async () => (await import('./commands/reconcile.js')).registerReconcileCommand,
};

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * Exit codes: 0 success; 1 the command failed (an error, or `verify` found a broken invariant);
 * 2 the invocation was wrong (bad configuration, bad arguments, invalid input).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * The `payouts` program with the commands `args` need: only the command named first when it is a
 * known one, none for `--version`, else every command (for the help, or an unknown command's message).
 */
export async function createProgram(context: CliContext, args: readonly string[] = []): Promise<Command> {
  const program = new Command('payouts')
    .description('Payouts: payout management for marketplaces (Stripe Connect). Configured by environment variables; see .env.example.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.out(text.replace(/\n$/, '')),
      writeErr: (text) => context.err(text.replace(/\n$/, '')),
    });
  const first = args[0];
  const names = first === undefined || !Object.hasOwn(commandModules, first) ? (['--version', '-V'].includes(first ?? '') ? [] : Object.keys(commandModules)) : [first];
  const registers = await Promise.all(names.map((name) => commandModules[name]?.()));
  for (const register of registers) register?.(program, context);
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
    await (await createProgram(context, args)).parseAsync([...args], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    return reportError(error, context);
  }
}
