/**
 * What a command may touch of the outside world, so commands read no globals: the environment,
 * two output streams, and the exit code they want the process to end with.
 */
export interface CliContext {
  env: Record<string, string | undefined>;
  /** Writes a line (a newline is added) for the user: results, reports. */
  out(line: string): void;
  /** Writes a line to the error stream: diagnostics. */
  err(line: string): void;
  /** Set by a command that finished but failed (e.g. `verify` found a broken invariant). */
  exitCode: number;
}

export function processCliContext(): CliContext {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    exitCode: 0,
  };
}
