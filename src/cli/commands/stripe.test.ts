import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../../test/cli.js';
import { SANDBOX_SECRET_KEY } from '../../http/app.js';
import { StripeGateway } from '../../providers/stripe/index.js';
import { startTestSandbox, type TestSandbox } from '../../sandbox/testing/test-sandbox.js';
import { webhookEventHandlers } from '../../services/webhooks/handlers/index.js';
import { connectWebhookEvents, platformWebhookEvents } from './stripe.js';

/** `payouts stripe setup-webhooks` against the sandbox, through the real SDK and the real CLI. */
let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.sandbox.close();
});

describe('payouts stripe setup-webhooks', () => {
  it('subscribes to exactly the events the service handles, split between the platform and Connect', () => {
    expect([...platformWebhookEvents, ...connectWebhookEvents].sort()).toEqual(Object.keys(webhookEventHandlers).sort());
  });

  it('creates the platform and Connect endpoints and prints their secrets as environment lines', async () => {
    const env = { STRIPE_SECRET_KEY: SANDBOX_SECRET_KEY, STRIPE_API_BASE: sandbox.sandbox.url, DATABASE_URL: 'postgres://unused@127.0.0.1:9/none' };
    const result = await runPayouts(['stripe', 'setup-webhooks', '--url', 'https://payouts.example.com/'], env);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^STRIPE_WEBHOOK_SECRET=whsec_\w+$/), expect.stringMatching(/^STRIPE_WEBHOOK_SECRET_PAYOUTS=whsec_\w+$/)]);
    expect(lines[0]!.split('=')[1]).not.toBe(lines[1]!.split('=')[1]);

    const { stripe } = new StripeGateway({ secretKey: SANDBOX_SECRET_KEY, apiBase: sandbox.sandbox.url, webhookSecrets: [] });
    const endpoints = (await stripe.webhookEndpoints.list({ limit: 100 })).data;
    const platform = endpoints.find((e) => e.url === 'https://payouts.example.com/api/webhooks/stripe');
    const connect = endpoints.find((e) => e.url === 'https://payouts.example.com/api/webhooks/stripe-payouts');
    expect(platform?.enabled_events.sort()).toEqual([...platformWebhookEvents].sort());
    expect(connect?.enabled_events.sort()).toEqual([...connectWebhookEvents].sort());
  });

  it('refuses without a Stripe key, and a URL that is not http(s)', async () => {
    const noKey = await runPayouts(['stripe', 'setup-webhooks', '--url', 'https://payouts.example.com'], { DATABASE_URL: 'postgres://unused@127.0.0.1:9/none' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('STRIPE_SECRET_KEY');
    const badUrl = await runPayouts(['stripe', 'setup-webhooks', '--url', 'ftp://x'], { STRIPE_SECRET_KEY: SANDBOX_SECRET_KEY, STRIPE_API_BASE: sandbox.sandbox.url });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--url must be an http(s) URL');
  });
});
