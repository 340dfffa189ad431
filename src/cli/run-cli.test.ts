import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

describe('bin/payouts.js', () => {
  const bin = fileURLToPath(new URL('../../bin/payouts.js', import.meta.url));
  const run = (env: Record<string, string>) => {
    const result = spawnSync(process.execPath, [bin, 'jobs', 'list'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout };
  };

  it('runs the TypeScript sources when asked, and the bundle (when built and current) the same way', () => {
    const fromSource = run({ PAYOUTS_FROM_SOURCE: '1' });
    expect(fromSource.code).toBe(0);
    expect(fromSource.stdout).toMatch(/release-holds/);
    // Without the override it picks the bundle when dist/server is current, else the sources again.
    const chosen = run({ PAYOUTS_FROM_SOURCE: '' });
    expect(chosen).toEqual(fromSource);
  });
});
