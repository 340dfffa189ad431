import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import { recordBalanceTransaction } from '../money/balance-transactions.js';
import type { StripeRouter } from '../router.js';
import { changedFields, snapshot, type StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { filterByCreated, paginate } from '../wire/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNullableString,
  addressFrom,
  optionalObject,
  optionalString,
  optionalStringArray,
  requiredCurrency,
  requiredInteger,
  requiredString,
} from '../wire/params.js';
import { StripeApiError, invalidRequest } from '../wire/stripe-error.js';
import type { AccountObject } from './accounts.js';
import { buildCharge, type ChargeObject } from './charges.js';
import { openDispute } from './disputes.js';
import { resolvePaymentMethod } from './payment-methods.js';
import { createTransfer } from './transfers.js';

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'canceled' | 'succeeded';

export interface PaymentIntentObject extends StripeObject {
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  application_fee_amount: number | null;
  currency: string;
  latest_charge: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  status: PaymentIntentStatus;
  transfer_data: { amount?: number; destination: string } | null;
  transfer_group: string | null;
}

/** Creates a payment intent from `POST /v1/payment_intents` parameters, confirming it when asked. */
export function createPaymentIntent(sandbox: SandboxContext, account: string, params: FormParams): PaymentIntentObject {
  const amount = requiredInteger(params, 'amount', { min: 1 });
  const currency = requiredCurrency(params);
  if (amount < 50 && ['usd', 'eur', 'gbp', 'cad', 'aud', 'chf'].includes(currency)) {
    throw invalidRequest('Amount must be at least $0.50 usd', { code: 'amount_too_small', param: 'amount' });
  }
  const transferData = optionalObject(params, 'transfer_data');
  const destination = transferData ? requiredString(transferData, 'destination', 'transfer_data[destination]') : undefined;
  if (destination) sandbox.store.get<AccountObject>('account', destination, sandbox.platformAccountId, { label: 'destination', param: 'transfer_data[destination]' });
  const transferAmount = transferData ? optionalInteger(transferData, 'amount', { min: 1, label: 'transfer_data[amount]' }) : undefined;
  const captureMethod = optionalEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual'] as const) ?? 'automatic_async';
  if (captureMethod === 'manual') throw invalidRequest('The sandbox does not model manual capture.', { param: 'capture_method' });
  const paymentMethodRef = optionalString(params, 'payment_method');
  const intentId = generateId('pi');
  const intent: PaymentIntentObject = {
    id: intentId,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: optionalInteger(params, 'application_fee_amount', { min: 0 }) ?? null,
    automatic_payment_methods: optionalObject(params, 'automatic_payment_methods') ? { allow_redirects: 'always', enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: captureMethod,
    client_secret: `${intentId}_secret_${generateId('x', 25).slice(2)}`,
    confirmation_method: 'automatic',
    created: unixSeconds(sandbox.clock),
    currency,
    customer: optionalString(params, 'customer') ?? null,
    description: optionalString(params, 'description') ?? null,
    invoice: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: applyMetadata(params),
    next_action: null,
    on_behalf_of: optionalString(params, 'on_behalf_of') ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: optionalStringArray(params, 'payment_method_types') ?? ['card'],
    processing: null,
    receipt_email: optionalString(params, 'receipt_email') ?? null,
    review: null,
    setup_future_usage: null,
    shipping: shippingFrom(optionalObject(params, 'shipping')),
    source: null,
    statement_descriptor: optionalString(params, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: destination ? { destination, ...(transferAmount !== undefined ? { amount: transferAmount } : {}) } : null,
    transfer_group: optionalString(params, 'transfer_group') ?? null,
  };
  if (paymentMethodRef) {
    intent.payment_method = resolvePaymentMethod(sandbox, account, paymentMethodRef).paymentMethod.id;
    intent.status = 'requires_confirmation';
  }
  sandbox.store.insert(account, intent);
  emitEvent(sandbox, { type: 'payment_intent.created', account, object: intent });
  if (optionalBoolean(params, 'confirm')) confirmPaymentIntent(sandbox, account, intent, undefined);
  return intent;
}

/**
 * Confirms a payment intent with its (or the given) payment method and runs the test card's
 * scenario: success (charge + pending funds), decline (402 `card_error`), or success followed
 * by a dispute. Destination charges (`transfer_data.destination`) transfer the connected
 * account's share at once, from this charge.
 */
export function confirmPaymentIntent(sandbox: SandboxContext, account: string, intent: PaymentIntentObject, paymentMethodRef: string | undefined): PaymentIntentObject {
  if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
    throw invalidRequest(`You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`, { code: 'payment_intent_unexpected_state', param: 'intent' });
  }
  const reference = paymentMethodRef ?? intent.payment_method;
  if (!reference) {
    throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent, provide a `payment_method`.", { code: 'payment_intent_unexpected_state', param: 'payment_method' });
  }
  const { paymentMethod, card } = resolvePaymentMethod(sandbox, account, reference);
  intent.payment_method = paymentMethod.id;

  if (card.decline) {
    const charge = buildCharge(sandbox, {
      amount: intent.amount, currency: intent.currency, status: 'failed', paymentIntent: intent.id, paymentMethod, card,
      description: intent.description as string | null, metadata: { ...intent.metadata }, transferGroup: intent.transfer_group,
      failure: { code: card.decline.code, message: card.decline.message, declineCode: card.decline.declineCode },
    });
    sandbox.store.insert(account, charge);
    const error = {
      charge: charge.id,
      code: card.decline.code,
      decline_code: card.decline.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replaceAll('_', '-')}`,
      message: card.decline.message,
      payment_method: snapshot(paymentMethod),
      type: 'card_error' as const,
    };
    intent.status = 'requires_payment_method';
    intent.latest_charge = charge.id;
    intent.last_payment_error = error;
    emitEvent(sandbox, { type: 'charge.failed', account, object: charge });
    emitEvent(sandbox, { type: 'payment_intent.payment_failed', account, object: intent });
    throw new StripeApiError(402, { ...error, payment_intent: snapshot(intent) });
  }

  const now = unixSeconds(sandbox.clock);
  const charge = buildCharge(sandbox, {
    amount: intent.amount, currency: intent.currency, status: 'succeeded', paymentIntent: intent.id, paymentMethod, card,
    description: intent.description as string | null, metadata: { ...intent.metadata }, transferGroup: intent.transfer_group,
  });
  charge.shipping = intent.shipping ?? null;
  charge.application_fee_amount = intent.application_fee_amount;
  const { percentBps, fixed } = sandbox.settings.processingFee;
  const fee = percentBps === 0 && fixed === 0 ? 0 : Math.round((intent.amount * percentBps) / 10_000) + fixed;
  const transaction = recordBalanceTransaction(sandbox, {
    account, amount: intent.amount, currency: intent.currency, type: 'charge', source: charge.id, fee,
    description: intent.description as string | null,
    availableOn: card.bypassPending ? now : now + sandbox.settings.fundsAvailabilityDelaySeconds,
  });
  charge.balance_transaction = transaction.id;
  sandbox.store.insert(account, charge);
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  intent.latest_charge = charge.id;
  intent.last_payment_error = null;
  emitEvent(sandbox, { type: 'charge.succeeded', account, object: charge });
  emitEvent(sandbox, { type: 'payment_intent.succeeded', account, object: intent });

  if (intent.transfer_data) {
    const transfer = createTransfer(sandbox, account, {
      amount: intent.transfer_data.amount ?? intent.amount - (intent.application_fee_amount ?? 0),
      currency: intent.currency,
      destination: intent.transfer_data.destination,
      sourceTransaction: charge.id,
      transferGroup: intent.transfer_group ?? `group_${intent.id}`,
    });
    charge.transfer = transfer.id;
    charge.destination = intent.transfer_data.destination;
    charge.transfer_data = { amount: intent.transfer_data.amount ?? null, destination: intent.transfer_data.destination };
    charge.transfer_group = transfer.transfer_group;
    intent.transfer_group = transfer.transfer_group;
  }
  if (card.dispute) openDispute(sandbox, account, charge as ChargeObject, card.dispute);
  return intent;
}

export function registerPaymentIntentRoutes(router: StripeRouter): void {
  router.post('/v1/payment_intents', ({ sandbox, params, account }) => createPaymentIntent(sandbox, account, params));
  router.get('/v1/payment_intents', ({ sandbox, params, account }) => {
    const customer = optionalString(params, 'customer');
    const intents = sandbox.store.list<PaymentIntentObject>('payment_intent', account, (intent) => customer === undefined || intent.customer === customer);
    return paginate(filterByCreated(intents, params), params, '/v1/payment_intents');
  });
  router.get('/v1/payment_intents/:id', ({ sandbox, path, account }) => findIntent(sandbox, path.id ?? '', account));
  router.post('/v1/payment_intents/:id', ({ sandbox, path, params, account }) => {
    const intent = findIntent(sandbox, path.id ?? '', account);
    const before = snapshot(intent);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      const changesMoney = params.amount !== undefined || params.currency !== undefined || params.payment_method !== undefined;
      if (changesMoney) throw invalidRequest(`This PaymentIntent's amount could not be updated because it has a status of ${intent.status}.`, { code: 'payment_intent_unexpected_state' });
    }
    const amount = optionalInteger(params, 'amount', { min: 1 });
    if (amount !== undefined) intent.amount = amount;
    const description = optionalNullableString(params, 'description');
    if (description !== undefined) intent.description = description;
    const paymentMethod = optionalString(params, 'payment_method');
    if (paymentMethod) {
      intent.payment_method = resolvePaymentMethod(sandbox, account, paymentMethod).paymentMethod.id;
      intent.status = 'requires_confirmation';
    }
    const transferGroup = optionalNullableString(params, 'transfer_group');
    if (transferGroup !== undefined) intent.transfer_group = transferGroup;
    intent.metadata = applyMetadata(params, intent.metadata);
    emitEvent(sandbox, { type: 'payment_intent.updated', account, object: intent, previousAttributes: changedFields(before, intent) });
    return intent;
  });
  router.post('/v1/payment_intents/:id/confirm', ({ sandbox, path, params, account }) =>
    confirmPaymentIntent(sandbox, account, findIntent(sandbox, path.id ?? '', account), optionalString(params, 'payment_method')),
  );
  router.post('/v1/payment_intents/:id/cancel', ({ sandbox, path, params, account }) => {
    const intent = findIntent(sandbox, path.id ?? '', account);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      throw invalidRequest(`You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`, { code: 'payment_intent_unexpected_state' });
    }
    intent.status = 'canceled';
    intent.canceled_at = unixSeconds(sandbox.clock);
    intent.cancellation_reason = optionalString(params, 'cancellation_reason') ?? null;
    emitEvent(sandbox, { type: 'payment_intent.canceled', account, object: intent });
    return intent;
  });
}

function findIntent(sandbox: SandboxContext, id: string, account: string): PaymentIntentObject {
  return sandbox.store.get<PaymentIntentObject>('payment_intent', id, account, { label: 'payment_intent', param: 'intent' });
}

function shippingFrom(shipping: FormParams | undefined): Record<string, unknown> | null {
  if (!shipping) return null;
  const address = optionalObject(shipping, 'address') ?? {};
  return {
    address: addressFrom(address),
    carrier: optionalString(shipping, 'carrier') ?? null,
    name: requiredString(shipping, 'name', 'shipping[name]'),
    phone: optionalString(shipping, 'phone') ?? null,
    tracking_number: optionalString(shipping, 'tracking_number') ?? null,
  };
}
