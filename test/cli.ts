import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real executable, as `npx payouts` runs it. */
const bin = fileURLToPath(new URL('../bin/payouts.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `payouts <args>` in a child process to completion, with this process's environment minus
 * anything that would pick another database or port, plus `env`. Asynchronous on purpose: the
 * test database may be served from this very process.
 */
export function runPayouts(args: string[], env: Record<string, string>): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'HOST'] as const) if (!(name in env)) delete childEnv[name];
  const child = spawn(process.execPath, [bin, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
