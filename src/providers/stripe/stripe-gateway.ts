import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { createStripeClient } from './stripe-client.js';
import { liveDefaults, StripeRequestPolicy, testModeDefaults, type RequestPolicyOptions } from './request-policy.js';
import { verifyStripeWebhook } from './verify-webhook.js';

export interface StripeGatewayOptions {
  secretKey: string;
  apiBase?: string | undefined;
  webhookSecrets: string[];
  policy?: Partial<RequestPolicyOptions>;
  /** How long one request may take before it fails as a connection error (default 30 s, the SDK's). */
  timeoutMs?: number | undefined;
}

/** Idempotency keys are derived from our own ids, so a repeat after a crash finds the first result. */
export const idempotencyKeys = {
  /** `attempt` counts recorded failures: a retry after a recorded failure is a new request, a repeat after a crash is not. */
  transfer: (payoutId: string, attempt = 0) => (attempt === 0 ? `payouts:transfer:${payoutId}` : `payouts:transfer:${payoutId}:retry-${attempt}`),
  transferReversal: (payoutId: string, reason: string) => `payouts:transfer-reversal:${payoutId}:${reason}`,
  connectedPayout: (payoutId: string, attempt = 0) => (attempt === 0 ? `payouts:bank-payout:${payoutId}` : `payouts:bank-payout:${payoutId}:retry-${attempt}`),
  refund: (paymentId: string, refundRequestId: string) => `payouts:refund:${paymentId}:${refundRequestId}`,
  expressAccount: (creatorId: string) => `payouts:account:${creatorId}`,
  checkoutSession: (bookingId: string) => `payouts:checkout:${keyPart(bookingId)}`,
  testPayment: (bookingId: string) => `payouts:test-payment:${keyPart(bookingId)}`,
};

/**
 * A host's id as part of an idempotency key, which travels in an HTTP header (printable ASCII)
 * and is at most 255 characters at Stripe: as it is when it fits, else its SHA-256 — a booking id
 * in any script then still makes one key per booking instead of a request Node refuses to send.
 */
function keyPart(hostId: string): string {
  return /^[\x20-\x7e]{1,200}$/.test(hostId) ? hostId : `sha256-${createHash('sha256').update(hostId, 'utf8').digest('hex')}`;
}

/**
 * The only door to Stripe (DESIGN.md §5): real Stripe with a live or test key, or any
 * Stripe-compatible base URL (the local sandbox). Each method is one Stripe call made through
 * the request policy (throttle, backoff, errors as AppErrors with Stripe's code kept), with an
 * idempotency key derived from our ids for every create.
 */
export class StripeGateway {
  readonly stripe: Stripe;
  private readonly policy: StripeRequestPolicy;

  constructor(private readonly options: StripeGatewayOptions) {
    this.stripe = createStripeClient({ secretKey: options.secretKey, apiBase: options.apiBase, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    const defaults = options.secretKey.includes('_live_') ? liveDefaults : testModeDefaults;
    this.policy = new StripeRequestPolicy({ ...defaults, ...options.policy });
  }

  /** Accept signatures made with this secret too (the local sandbox's endpoint, created at start-up). */
  addWebhookSecret(secret: string): void {
    if (!this.options.webhookSecrets.includes(secret)) this.options.webhookSecrets.push(secret);
  }

  /** Register a webhook endpoint receiving every event; returns its signing secret. */
  async createWebhookEndpoint(input: { url: string; connect: boolean }): Promise<string> {
    return (await this.createWebhookEndpointWithEvents({ ...input, events: ['*'] })).secret;
  }

  /** A webhook endpoint for these events; its signing secret is only ever returned here. */
  async createWebhookEndpointWithEvents(input: { url: string; connect: boolean; events: string[]; description?: string }): Promise<{ id: string; secret: string; enabledEvents: string[] }> {
    const endpoint = await this.policy.run('webhookEndpoints.create', () =>
      this.stripe.webhookEndpoints.create({
        url: input.url,
        enabled_events: input.events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
        connect: input.connect,
        ...(input.description && { description: input.description }),
      }),
    );
    if (!endpoint.secret) throw new Error('Stripe returned a webhook endpoint without its secret');
    return { id: endpoint.id, secret: endpoint.secret, enabledEvents: endpoint.enabled_events };
  }

  /** Verify a webhook's signature on its raw body against every configured secret. */
  verifyWebhook(rawBody: Buffer | string, signatureHeader: string | undefined, nowMs?: number): Stripe.Event {
    return verifyStripeWebhook(this.stripe, rawBody, signatureHeader, this.options.webhookSecrets, nowMs);
  }

  createExpressAccount(input: { creatorId: string; email: string; country?: string; manualPayouts: boolean }): Promise<Stripe.Account> {
    return this.policy.run('accounts.create', () =>
      this.stripe.accounts.create(
        {
          type: 'express',
          email: input.email,
          ...(input.country && { country: input.country }),
          capabilities: { transfers: { requested: true } },
          metadata: { creatorId: input.creatorId },
          ...(input.manualPayouts && { settings: { payouts: { schedule: { interval: 'manual' } } } }),
        },
        { idempotencyKey: idempotencyKeys.expressAccount(input.creatorId) },
      ),
    );
  }

  retrieveAccount(accountId: string): Promise<Stripe.Account> {
    return this.policy.run('accounts.retrieve', () => this.stripe.accounts.retrieve(accountId));
  }

  /** Bank payouts driven by the service: the connected account's own schedule is set to manual (seed 004 §6). */
  setManualPayoutSchedule(accountId: string): Promise<Stripe.Account> {
    return this.policy.run('accounts.update', () =>
      this.stripe.accounts.update(accountId, { settings: { payouts: { schedule: { interval: 'manual' } } } }),
    );
  }

  createOnboardingLink(input: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<Stripe.AccountLink> {
    return this.policy.run('accountLinks.create', () =>
      this.stripe.accountLinks.create({ account: input.accountId, type: 'account_onboarding', refresh_url: input.refreshUrl, return_url: input.returnUrl }),
    );
  }

  createCheckoutSession(input: {
    bookingId: string;
    creatorId: string;
    amount: bigint;
    currency: string;
    productName: string;
    productDescription?: string | undefined;
    successUrl: string;
    cancelUrl: string;
    customerEmail?: string | undefined;
    metadata?: Record<string, string>;
  }): Promise<Stripe.Checkout.Session> {
    const metadata = { ...input.metadata, bookingId: input.bookingId, creatorId: input.creatorId };
    return this.policy.run('checkout.sessions.create', () =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [{ quantity: 1, price_data: { currency: input.currency, unit_amount: Number(input.amount), product_data: { name: input.productName, ...(input.productDescription && { description: input.productDescription }) } } }],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          ...(input.customerEmail && { customer_email: input.customerEmail }),
          metadata,
          payment_intent_data: { metadata },
        },
        { idempotencyKey: idempotencyKeys.checkoutSession(input.bookingId) },
      ),
    );
  }

  /**
   * A customer's payment with a test card, confirmed at once (demo data: `pm_card_bypassPending`
   * makes the funds available immediately, so they can be transferred). Test mode and the sandbox
   * only: refused with a live key.
   */
  payWithTestCard(input: { bookingId: string; creatorId: string; amount: bigint; currency: string; description: string }): Promise<Stripe.PaymentIntent> {
    if (this.options.secretKey.includes('_live_')) return Promise.reject(new Error('payWithTestCard needs a test key or the sandbox, never a live key'));
    return this.policy.run('paymentIntents.create', () =>
      this.stripe.paymentIntents.create(
        {
          amount: Number(input.amount),
          currency: input.currency,
          payment_method: 'pm_card_bypassPending',
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          confirm: true,
          description: input.description,
          metadata: { creatorId: input.creatorId, bookingId: input.bookingId },
        },
        { idempotencyKey: idempotencyKeys.testPayment(input.bookingId) },
      ),
    );
  }

  retrieveCheckoutSession(sessionId: string): Promise<Stripe.Checkout.Session> {
    return this.policy.run('checkout.sessions.retrieve', () => this.stripe.checkout.sessions.retrieve(sessionId));
  }

  retrievePaymentIntent(paymentIntentId: string): Promise<Stripe.PaymentIntent> {
    return this.policy.run('paymentIntents.retrieve', () => this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] }));
  }

  createRefund(input: { paymentId: string; refundRequestId: string; paymentIntentId: string; amount?: bigint; reason?: Stripe.RefundCreateParams.Reason }): Promise<Stripe.Refund> {
    return this.policy.run('refunds.create', () =>
      this.stripe.refunds.create(
        {
          payment_intent: input.paymentIntentId,
          ...(input.amount !== undefined && { amount: Number(input.amount) }),
          ...(input.reason && { reason: input.reason }),
          metadata: { paymentId: input.paymentId, refundRequestId: input.refundRequestId },
        },
        { idempotencyKey: idempotencyKeys.refund(input.paymentId, input.refundRequestId) },
      ),
    );
  }

  /**
   * The refund made earlier for this payment and request, found by its metadata: the repair path
   * when the idempotency key has expired (Stripe keeps keys about 24 hours) and Stripe answers
   * that the charge is already refunded.
   */
  async findRefundForPayment(input: { paymentIntentId: string; paymentId: string; refundRequestId: string }): Promise<Stripe.Refund | undefined> {
    const list = await this.policy.run('refunds.list', () => this.stripe.refunds.list({ payment_intent: input.paymentIntentId, limit: 100 }));
    return list.data.find((refund) => refund.metadata?.paymentId === input.paymentId && refund.metadata?.refundRequestId === input.refundRequestId);
  }

  /** A charge's refunds, oldest first (`charge.refunded` carries them only on older API versions). */
  async listChargeRefunds(chargeId: string): Promise<Stripe.Refund[]> {
    const list = await this.policy.run('refunds.list', () => this.stripe.refunds.list({ charge: chargeId, limit: 100 }));
    return [...list.data].reverse();
  }

  retrieveCharge(chargeId: string): Promise<Stripe.Charge> {
    return this.policy.run('charges.retrieve', () => this.stripe.charges.retrieve(chargeId));
  }

  /**
   * The payout's transfer. The idempotency key and the transfer group both come from the payout
   * id: a retry within Stripe's 24 h key window gets the first transfer back, and a later repair
   * finds it with `findTransferForPayout` (DESIGN.md §6).
   */
  createTransfer(input: { payoutId: string; amount: bigint; currency: string; destination: string; attempt?: number; sourceTransaction?: string; metadata?: Record<string, string> }): Promise<Stripe.Transfer> {
    return this.policy.run('transfers.create', () =>
      this.stripe.transfers.create(
        {
          amount: Number(input.amount),
          currency: input.currency,
          destination: input.destination,
          transfer_group: transferGroup(input.payoutId),
          ...(input.sourceTransaction && { source_transaction: input.sourceTransaction }),
          metadata: { ...input.metadata, payoutId: input.payoutId },
        },
        { idempotencyKey: idempotencyKeys.transfer(input.payoutId, input.attempt) },
      ),
    );
  }

  async findTransferForPayout(payoutId: string): Promise<Stripe.Transfer | undefined> {
    const list = await this.policy.run('transfers.list', () => this.stripe.transfers.list({ transfer_group: transferGroup(payoutId), limit: 10 }));
    return list.data.find((t) => t.metadata?.payoutId === payoutId) ?? list.data[0];
  }

  reverseTransfer(input: { payoutId: string; transferId: string; amount?: bigint; reason: string }): Promise<Stripe.TransferReversal> {
    return this.policy.run('transfers.createReversal', () =>
      this.stripe.transfers.createReversal(
        input.transferId,
        { ...(input.amount !== undefined && { amount: Number(input.amount) }), metadata: { payoutId: input.payoutId, reason: input.reason } },
        { idempotencyKey: idempotencyKeys.transferReversal(input.payoutId, input.reason) },
      ),
    );
  }

  /** A bank payout on a connected account whose schedule is manual (the `Stripe-Account` header). */
  createConnectedPayout(input: { payoutId: string; accountId: string; amount: bigint; currency: string; attempt?: number }): Promise<Stripe.Payout> {
    return this.policy.run('payouts.create', () =>
      this.stripe.payouts.create(
        { amount: Number(input.amount), currency: input.currency, metadata: { payoutId: input.payoutId } },
        { stripeAccount: input.accountId, idempotencyKey: idempotencyKeys.connectedPayout(input.payoutId, input.attempt) },
      ),
    );
  }

  /**
   * The bank payout made for this payout on the connected account, found by its metadata: the
   * repair path when the answer to `createConnectedPayout` was lost (or its key has expired).
   * Failed and canceled bank payouts are skipped: after a `payout.failed` scheduled a retry, the
   * retry must make a new bank payout, not find the failed one again.
   */
  async findConnectedPayoutForPayout(input: { accountId: string; payoutId: string }): Promise<Stripe.Payout | undefined> {
    const list = await this.policy.run('payouts.list', () => this.stripe.payouts.list({ limit: 100 }, { stripeAccount: input.accountId }));
    return list.data.find((payout) => payout.metadata?.payoutId === input.payoutId && payout.status !== 'failed' && payout.status !== 'canceled');
  }

  /** A bank payout of a connected account, as Stripe has it now (the stale-payout reconciliation). */
  retrieveConnectedPayout(input: { accountId: string; bankPayoutId: string }): Promise<Stripe.Payout> {
    return this.policy.run('payouts.retrieve', () => this.stripe.payouts.retrieve(input.bankPayoutId, {}, { stripeAccount: input.accountId }));
  }

  // Reconciliation's reads (docs/reconciliation.md): pages of 100, in the period [gte, lt), all
  // through one operation, `reconcile.read`, whose share of the request budget is capped so that a
  // run never starves payouts and webhooks of theirs.

  /** One page of the platform's transfers created in the period, newest first (their first 10 reversals embedded). */
  listTransfers(input: ReconcilePageInput): Promise<Stripe.ApiList<Stripe.Transfer>> {
    return this.policy.run(RECONCILE_READ, () => this.stripe.transfers.list({ created: { gte: input.gte, lt: input.lt }, limit: 100, ...(input.startingAfter && { starting_after: input.startingAfter }) }));
  }

  /** One page of a transfer's reversals (when it has more than the 10 embedded). */
  listTransferReversals(input: { transferId: string; startingAfter?: string | undefined }): Promise<Stripe.ApiList<Stripe.TransferReversal>> {
    return this.policy.run(RECONCILE_READ, () => this.stripe.transfers.listReversals(input.transferId, { limit: 100, ...(input.startingAfter && { starting_after: input.startingAfter }) }));
  }

  /** One transfer, or undefined when Stripe has no such transfer. */
  findTransfer(transferId: string): Promise<Stripe.Transfer | undefined> {
    return orMissing(this.policy.run(RECONCILE_READ, () => this.stripe.transfers.retrieve(transferId)));
  }

  /** One page of a connected account's bank payouts created in the period. */
  listConnectedPayouts(input: ReconcilePageInput & { accountId: string }): Promise<Stripe.ApiList<Stripe.Payout>> {
    return this.policy.run(RECONCILE_READ, () =>
      this.stripe.payouts.list({ created: { gte: input.gte, lt: input.lt }, limit: 100, ...(input.startingAfter && { starting_after: input.startingAfter }) }, { stripeAccount: input.accountId }),
    );
  }

  /** One bank payout of a connected account, or undefined when Stripe has no such payout. */
  findConnectedPayout(input: { accountId: string; bankPayoutId: string }): Promise<Stripe.Payout | undefined> {
    return orMissing(this.policy.run(RECONCILE_READ, () => this.stripe.payouts.retrieve(input.bankPayoutId, {}, { stripeAccount: input.accountId })));
  }

  /** One page of the platform's balance transactions created in the period, each with its source object expanded. */
  listBalanceTransactions(input: ReconcilePageInput): Promise<Stripe.ApiList<Stripe.BalanceTransaction>> {
    return this.policy.run(RECONCILE_READ, () =>
      this.stripe.balanceTransactions.list({ created: { gte: input.gte, lt: input.lt }, limit: 100, expand: ['data.source'], ...(input.startingAfter && { starting_after: input.startingAfter }) }),
    );
  }

  /** One charge, or undefined when Stripe has no such charge. */
  findCharge(chargeId: string): Promise<Stripe.Charge | undefined> {
    return orMissing(this.policy.run(RECONCILE_READ, () => this.stripe.charges.retrieve(chargeId)));
  }

  /** The platform's balance, or a connected account's. */
  retrieveBalance(accountId?: string): Promise<Stripe.Balance> {
    return this.policy.run('balance.retrieve', () => this.stripe.balance.retrieve({}, accountId ? { stripeAccount: accountId } : {}));
  }
}

/** Stripe's shapes of what reconciliation reads, for the services that compare them (only this folder imports the SDK). */
export type StripeList<T> = Stripe.ApiList<T>;
export type StripeTransfer = Stripe.Transfer;
export type StripeTransferReversal = Stripe.TransferReversal;
export type StripeBankPayout = Stripe.Payout;
export type StripeBalanceTransaction = Stripe.BalanceTransaction;
export type StripeCharge = Stripe.Charge;
export type StripeRefund = Stripe.Refund;
export type StripeDispute = Stripe.Dispute;

/** The policy operation of reconciliation's reads (its share of the budget: `perOperation`). */
export const RECONCILE_READ = 'reconcile.read';

export interface ReconcilePageInput {
  /** Unix seconds: created at or after. */
  gte: number;
  /** Unix seconds: created before. */
  lt: number;
  startingAfter?: string | undefined;
}

/** Stripe's 404 (`resource_missing`) as undefined; every other failure as it was. */
async function orMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if ((error as { code?: string }).code === 'STRIPE_RESOURCE_MISSING') return undefined;
    throw error;
  }
}

export function transferGroup(payoutId: string): string {
  return `payout_${payoutId}`;
}
