import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventObject } from './event-log.js';
import { startTestSandbox, type TestSandbox } from './testing/test-sandbox.js';
import { stripeCliBinary } from './testing/stripe-cli-binary.js';

/**
 * The official Stripe CLI (`@stripe/cli`) runs its own `stripe trigger` fixtures against the
 * sandbox. The CLI is kept offline: telemetry off, and a dead proxy for anything that is not
 * loopback (Go's HTTP client never proxies 127.0.0.1), so its version check fails at once.
 */

let t: TestSandbox;
let home: string;

beforeAll(async () => {
  t = await startTestSandbox();
  home = mkdtempSync(join(tmpdir(), 'stripe-cli-home-'));
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
  rmSync(home, { recursive: true, force: true });
});

function runStripeCli(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      stripeCliBinary(),
      args,
      {
        timeout: 20_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          XDG_CONFIG_HOME: home,
          STRIPE_CLI_TELEMETRY_OPTOUT: '1',
          HTTP_PROXY: 'http://127.0.0.1:9',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          NO_PROXY: '',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

function eventTypes(): string[] {
  return t.sandbox.state.list<EventObject>('event', null).map((event) => event.type);
}

describe('stripe trigger against the sandbox', () => {
  test.each([
    ['payment_intent.succeeded'],
    ['charge.refunded'],
    ['charge.dispute.created'],
    ['transfer.created'],
    ['transfer.reversed'],
    ['payout.created'],
    ['account.updated'],
    ['checkout.session.completed'],
  ])('%s', async (event) => {
    const result = await runStripeCli(['trigger', event, '--api-base', t.sandbox.url, '--api-key', 'sk_test_stripe_cli_sandbox', '--log-level', 'debug']);
    expect(result.output).toContain('Trigger succeeded!');
    expect(result.code, result.output).toBe(0);
    expect(eventTypes()).toContain(event);
  });
});
