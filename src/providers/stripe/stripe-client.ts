import Stripe from 'stripe';

export interface StripeClientOptions {
  secretKey: string;
  /** Send requests here instead of api.stripe.com (the local sandbox, or a standalone one). */
  apiBase?: string | undefined;
  timeoutMs?: number;
}

/**
 * The official SDK, pointed at real Stripe or at a Stripe-compatible base URL. Network retries
 * are ours (`request-policy.ts`), so the SDK's own are off: one place decides how often and how
 * long to wait, and honours `Retry-After`.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  return new Stripe(options.secretKey, {
    maxNetworkRetries: 0,
    timeout: options.timeoutMs ?? 30_000,
    telemetry: false,
    appInfo: { name: 'payouts' },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol.replace(':', '') as 'http' | 'https',
    }),
  });
}
