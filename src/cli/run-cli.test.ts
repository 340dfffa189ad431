import { describe, expect, it } from 'vitest';
import type { CliContext } from './cli-context.js';
import { createProgram, runCli } from './run-cli.js';

function captureContext(): CliContext & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { env: {}, out: (line) => lines.push(line), err: (line) => errors.push(line), exitCode: 0, lines, errors };
}

describe('runCli loads only the command it runs', () => {
  it('registers just the named command, or every command for the help', async () => {
    const names = async (args: string[]) => (await createProgram(captureContext(), args)).commands.map((command) => command.name()).sort();
    expect(await names(['jobs', 'list'])).toEqual(['jobs']);
    expect(await names(['--version'])).toEqual([]);
    const all = ['api-keys', 'export', 'jobs', 'migrate', 'sandbox', 'serve', 'users', 'verify'];
    expect(await names(['--help'])).toEqual(expect.arrayContaining(all));
    expect(await names(['no-such-command'])).toEqual(expect.arrayContaining(all));
  });

  it('still runs a command, prints the version, and refuses an unknown command with exit 2', async () => {
    const jobs = captureContext();
    expect(await runCli(['jobs', 'list'], jobs)).toBe(0);
    expect(jobs.lines.join('\n')).toMatch(/release-holds/);

    const version = captureContext();
    expect(await runCli(['--version'], version)).toBe(0);
    expect(version.lines).toEqual([expect.stringMatching(/^\d+\.\d+\.\d+$/)]);

    const unknown = captureContext();
    expect(await runCli(['no-such-command'], unknown)).toBe(2);
    expect(unknown.errors.join('\n')).toMatch(/unknown command/);
  });
});
