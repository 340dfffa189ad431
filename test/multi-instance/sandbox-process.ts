/**
 * The Stripe sandbox in a process of its own for the multi-instance test and bench (forked by
 * `startSandboxProcess`), as Stripe is a service of its own: its CPU is not the driver's. Bank
 * payouts arrive in seconds instead of a day, so automatic payouts (PAID on `payout.paid`) settle
 * while the load runs — no clock jump, which would move the time of every later payment.
 * Tells the parent `{ url }` over IPC; exits when the parent disconnects.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';

export interface SandboxProcess {
  url: string;
  close(): Promise<void>;
}

/** Fork this file with tsx and wait for the sandbox's URL. */
export async function startSandboxProcess(): Promise<SandboxProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url?: string }) => (message.url ? resolve(message.url) : reject(new Error('the sandbox process sent no URL'))));
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before listening`)));
    child.once('error', reject);
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}

if (process.argv.includes('--serve') && process.send) {
  const sandbox = await startSandbox({ port: 0, settings: { payoutInTransitAfterSeconds: 1, payoutArrivalSeconds: 4 }, tickIntervalMs: 500 });
  process.send({ url: sandbox.url });
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
}
