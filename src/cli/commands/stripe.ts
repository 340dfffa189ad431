import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import type { CliContext } from '../cli-context.js';

/**
 * The Stripe events the service handles, by the endpoint that receives them: the platform's own
 * (payments, refunds, disputes, transfers) and Connect's (events of connected accounts: their
 * bank payouts and `account.updated`). Checked against the handler registry by stripe.test.ts.
 */
export const platformWebhookEvents = [
  'payment_intent.succeeded',
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'transfer.created',
  'transfer.updated',
  'transfer.paid',
  'transfer.reversed',
  'transfer.failed',
] as const;
export const connectWebhookEvents = ['account.updated', 'payout.created', 'payout.paid', 'payout.failed'] as const;

/**
 * `payouts stripe setup-webhooks --url URL` (seed 002): create the platform and the Connect
 * webhook endpoints on the Stripe account of STRIPE_SECRET_KEY (or the server of STRIPE_API_BASE),
 * subscribed to exactly the events the service handles, and print their signing secrets as the
 * two lines to put in the environment.
 */
export function registerStripeCommand(program: Command, context: CliContext): void {
  const stripe = program.command('stripe').description('set up the Stripe account the service uses');
  stripe
    .command('setup-webhooks')
    .description('create the platform and Connect webhook endpoints for exactly the events the service handles; print their secrets')
    .requiredOption('--url <url>', "the service's public base URL, e.g. https://payouts.example.com")
    .action(async (options: { url: string }) => {
      const config = loadConfig(context.env);
      if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
        context.err(`--url must be an http(s) URL, got ${options.url}`);
        context.exitCode = 2;
        return;
      }
      if (config.stripe.useSandbox && !config.stripe.apiBase) {
        context.err('Set STRIPE_SECRET_KEY (or STRIPE_API_BASE with a sk_test_ key for a standalone sandbox): without one the service makes its own endpoints on its in-process sandbox.');
        context.exitCode = 2;
        return;
      }
      const base = options.url.replace(/\/+$/, '');
      const { stripeGatewayFor } = await import('../../http/app.js');
      const gateway = stripeGatewayFor(config);
      const platform = await gateway.createWebhookEndpointWithEvents({ url: `${base}/api/webhooks/stripe`, connect: false, events: [...platformWebhookEvents], description: 'Payouts: platform events' });
      const connect = await gateway.createWebhookEndpointWithEvents({ url: `${base}/api/webhooks/stripe-payouts`, connect: true, events: [...connectWebhookEvents], description: 'Payouts: connected accounts' });
      context.err(`Created ${platform.id} (${platform.enabledEvents.length} platform events) → ${base}/api/webhooks/stripe`);
      context.err(`Created ${connect.id} (${connect.enabledEvents.length} Connect events) → ${base}/api/webhooks/stripe-payouts`);
      context.err('Put these in the service environment (shown once):');
      context.out(`STRIPE_WEBHOOK_SECRET=${platform.secret}`);
      context.out(`STRIPE_WEBHOOK_SECRET_PAYOUTS=${connect.secret}`);
    });
}
