/**
 * The local Stripe sandbox: a standalone HTTP server that speaks Stripe's API (form-encoded
 * requests, Stripe-shaped objects and errors, idempotency keys, signed webhooks) for the
 * Connect money path, with a controllable clock and failure injection. See docs/sandbox.md.
 */
import { startSandbox, type Sandbox } from './server.js';

export { startSandbox, type Sandbox, type SandboxExchange, type StartSandboxOptions } from './server.js';
export { createSandboxClock, type AdvanceableClock, type SandboxClock } from './clock.js';
export { DEFAULT_SETTINGS, SANDBOX_API_VERSION, type SandboxSettings } from './context.js';
export type { FailureRule, FailureRuleInput, RateLimitSettings } from './controls.js';
export { DEFAULT_WEBHOOK_OPTIONS, type DeliveryAttempt, type WebhookDeliveryOptions } from './webhooks/delivery.js';
export { signWebhookPayload } from './webhooks/signature.js';
export { TEST_CARDS, type TestCard } from './resources/payment-methods.js';
export { TEST_BANK_ACCOUNT_FAILURES } from './resources/accounts.js';

/**
 * `payouts sandbox --port P`: starts the sandbox on its own, logs where it listens, and stops
 * it on SIGINT/SIGTERM. Resolves with the running sandbox.
 *
 * @example
 * await runSandboxCommand({ port: 12111 });
 * // Stripe sandbox listening on http://127.0.0.1:12111 (platform account acct_…)
 */
export async function runSandboxCommand(
  options: { port?: number; host?: string; stateFile?: string; log?: (line: string) => void; handleSignals?: boolean } = {},
): Promise<Sandbox> {
  const log = options.log ?? ((line: string) => console.log(line));
  const sandbox = await startSandbox({ port: options.port ?? 12111, host: options.host ?? '127.0.0.1', ...(options.stateFile && { stateFile: options.stateFile }) });
  log(`Stripe sandbox listening on ${sandbox.url} (platform account ${sandbox.platformAccountId})${options.stateFile ? `; state kept in ${options.stateFile}` : ''}`);
  log(`Use any sk_test_ key; SDK options: { host: '${sandbox.host}', port: ${sandbox.port}, protocol: 'http' }; controls under ${sandbox.url}/_sandbox/`);
  if (options.handleSignals ?? true) {
    const stop = () => {
      void sandbox.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return sandbox;
}
