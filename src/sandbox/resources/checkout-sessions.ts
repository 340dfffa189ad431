import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import { snapshot, type StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { filterByCreated, paginate } from '../wire/list.js';
import {
  applyMetadata,
  optionalArray,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  requiredCurrency,
  requiredInteger,
  requiredString,
} from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';
import { confirmPaymentIntent, createPaymentIntent, type PaymentIntentObject } from './payment-intents.js';
import { createPrice, type PriceObject, type ProductObject } from './products.js';

export interface CheckoutSessionObject extends StripeObject {
  object: 'checkout.session';
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string | null;
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  status: 'open' | 'complete' | 'expired';
  expires_at: number;
}

interface LineItem extends StripeObject {
  object: 'item';
  amount_total: number;
  currency: string;
  quantity: number;
}

/** Checkout sessions stay open for 24 hours by default. */
const DEFAULT_SESSION_LIFETIME_SECONDS = 24 * 3600;

/**
 * `mode=payment` Checkout sessions. The hosted page is the sandbox's own
 * (`GET /_sandbox/checkout/:id`); paying it — there, via `POST /_sandbox/checkout/:id/pay`, or
 * through the `payment_pages` calls the Stripe CLI makes — creates and confirms the payment
 * intent and emits `checkout.session.completed`.
 */
export function createCheckoutSession(sandbox: SandboxContext, account: string, params: FormParams): CheckoutSessionObject {
  const mode = optionalEnum(params, 'mode', ['payment', 'setup', 'subscription'] as const) ?? 'payment';
  if (mode !== 'payment') throw invalidRequest(`The sandbox only models mode=payment Checkout sessions, not mode=${mode}.`, { param: 'mode' });
  const items = (optionalArray(params, 'line_items') ?? []).map((item, index) => lineItemFrom(sandbox, account, item, index));
  if (items.length === 0) throw invalidRequest('Missing required param: line_items.', { code: 'parameter_missing', param: 'line_items' });
  const currency = items[0]?.currency ?? sandbox.settings.defaultCurrency;
  if (items.some((item) => item.currency !== currency)) throw invalidRequest('All line items must have the same currency.', { param: 'line_items' });
  const amountTotal = items.reduce((sum, item) => sum + item.amount_total, 0);
  const now = unixSeconds(sandbox.clock);
  const id = `cs_test_${generateId('x', 58).slice(2)}`;
  const session: CheckoutSessionObject = {
    id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amountTotal,
    amount_total: amountTotal,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: optionalString(params, 'cancel_url') ?? null,
    client_reference_id: optionalString(params, 'client_reference_id') ?? null,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: optionalString(params, 'customer') ?? null,
    customer_creation: 'if_required',
    customer_details: null,
    customer_email: optionalString(params, 'customer_email') ?? null,
    expires_at: optionalInteger(params, 'expires_at') ?? now + DEFAULT_SESSION_LIFETIME_SECONDS,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    metadata: applyMetadata(params),
    mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_details: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: optionalString(params, 'success_url') ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${sandbox.baseUrl}/_sandbox/checkout/${id}`,
  };
  const paymentIntentData = optionalObject(params, 'payment_intent_data') ?? {};
  sandbox.store.insert(account, session, {
    line_items: { object: 'list', data: items, has_more: false, url: `/v1/checkout/sessions/${id}/line_items` },
    payment_intent_data: paymentIntentData,
  });
  return session;
}

/**
 * Pays an open session with a payment method (default `pm_card_visa`). A declined card throws
 * the 402 and leaves the session open, as a failed attempt on the hosted page does.
 */
export function payCheckoutSession(sandbox: SandboxContext, account: string, session: CheckoutSessionObject, paymentMethod = 'pm_card_visa', customerEmail?: string): CheckoutSessionObject {
  if (session.status !== 'open') throw invalidRequest(`This Checkout Session is ${session.status} and can no longer be paid.`, { code: 'checkout_session_not_open' });
  const data = sandbox.store.includableFields(session.id).payment_intent_data as FormParams | undefined;
  const params: FormParams = {
    ...(data ?? {}),
    amount: String(session.amount_total),
    currency: session.currency,
    payment_method: paymentMethod,
    confirm: 'false',
    metadata: (data?.metadata as FormParams | undefined) ?? {},
  };
  const intent: PaymentIntentObject = createPaymentIntent(sandbox, account, params);
  session.payment_intent = intent.id;
  confirmPaymentIntent(sandbox, account, intent, undefined);
  session.status = 'complete';
  session.payment_status = 'paid';
  session.customer_details = { address: null, email: customerEmail ?? session.customer_email ?? null, name: null, phone: null, tax_exempt: 'none', tax_ids: [] };
  emitEvent(sandbox, { type: 'checkout.session.completed', account, object: session });
  return session;
}

/** Expires open sessions whose `expires_at` has passed (`checkout.session.expired`). */
export function expireDueSessions(sandbox: SandboxContext): void {
  const now = unixSeconds(sandbox.clock);
  for (const session of sandbox.store.list<CheckoutSessionObject>('checkout.session', null, (item) => item.status === 'open' && item.expires_at <= now)) {
    expireSession(sandbox, sandbox.store.ownerOf(session.id) ?? sandbox.platformAccountId, session);
  }
}

function expireSession(sandbox: SandboxContext, account: string, session: CheckoutSessionObject): CheckoutSessionObject {
  session.status = 'expired';
  emitEvent(sandbox, { type: 'checkout.session.expired', account, object: session });
  return session;
}

function lineItemFrom(sandbox: SandboxContext, account: string, raw: unknown, index: number): LineItem {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('Invalid line item', { param: `line_items[${index}]` });
  const item = raw as FormParams;
  const label = (name: string) => `line_items[${index}][${name}]`;
  const quantity = optionalInteger(item, 'quantity', { min: 1, label: label('quantity') }) ?? 1;
  let price: PriceObject;
  const priceId = optionalString(item, 'price', label('price'));
  const priceData = optionalObject(item, 'price_data', label('price_data'));
  if (priceId) {
    price = sandbox.store.get<PriceObject>('price', priceId, account, { param: label('price') });
  } else if (priceData) {
    price = createPrice(sandbox, account, priceData);
  } else if (item.amount !== undefined) {
    // Legacy inline line items (name, amount, currency).
    price = createPrice(sandbox, account, {
      currency: requiredCurrency(item),
      unit_amount: String(requiredInteger(item, 'amount', { min: 0, label: label('amount') })),
      product_data: { name: requiredString(item, 'name', label('name')) },
    });
  } else {
    throw invalidRequest('Each line item needs a price or price_data.', { code: 'parameter_missing', param: label('price') });
  }
  const unitAmount = price.unit_amount ?? 0;
  const product = sandbox.store.find(price.product) as ProductObject | undefined;
  return {
    id: generateId('li'),
    object: 'item',
    amount_discount: 0,
    amount_subtotal: unitAmount * quantity,
    amount_tax: 0,
    amount_total: unitAmount * quantity,
    currency: price.currency,
    description: optionalString(item, 'description') ?? product?.name ?? '',
    price: snapshot(price),
    quantity,
  };
}

export function findCheckoutSession(sandbox: SandboxContext, id: string, account: string | null): CheckoutSessionObject {
  return sandbox.store.get<CheckoutSessionObject>('checkout.session', id, account, { label: 'checkout.session', param: 'session' });
}

export function registerCheckoutSessionRoutes(router: StripeRouter): void {
  router.post('/v1/checkout/sessions', ({ sandbox, params, account }) => createCheckoutSession(sandbox, account, params));
  router.get('/v1/checkout/sessions', ({ sandbox, params, account }) => {
    const intent = optionalString(params, 'payment_intent');
    const status = optionalString(params, 'status');
    const sessions = sandbox.store.list<CheckoutSessionObject>('checkout.session', account, (session) => (intent === undefined || session.payment_intent === intent) && (status === undefined || session.status === status));
    return paginate(filterByCreated(sessions, params), params, '/v1/checkout/sessions');
  });
  router.get('/v1/checkout/sessions/:id', ({ sandbox, path, account }) => findCheckoutSession(sandbox, path.id ?? '', account));
  router.get('/v1/checkout/sessions/:id/line_items', ({ sandbox, path, params, account }) => {
    const session = findCheckoutSession(sandbox, path.id ?? '', account);
    const lineItems = sandbox.store.includableFields(session.id).line_items as { data: LineItem[] };
    return paginate(lineItems.data, params, `/v1/checkout/sessions/${session.id}/line_items`);
  });
  router.post('/v1/checkout/sessions/:id/expire', ({ sandbox, path, account }) => {
    const session = findCheckoutSession(sandbox, path.id ?? '', account);
    if (session.status !== 'open') throw invalidRequest(`Only open Checkout Sessions can be expired; this one is ${session.status}.`, { code: 'checkout_session_not_open' });
    return expireSession(sandbox, account, session);
  });
  // Undocumented endpoints the Stripe CLI uses to pay a session (`stripe trigger checkout.session.completed`).
  router.get('/v1/payment_pages/:id', ({ sandbox, path, account }) => paymentPage(findCheckoutSession(sandbox, path.id ?? '', account)));
  router.post('/v1/payment_pages/:id/confirm', ({ sandbox, path, params, account }) => {
    const session = findCheckoutSession(sandbox, path.id ?? '', account);
    const expected = optionalInteger(params, 'expected_amount');
    if (expected !== undefined && expected !== session.amount_total) {
      throw invalidRequest(`The expected amount (${expected}) does not match the session's total (${session.amount_total}).`, { param: 'expected_amount' });
    }
    const paymentMethod = requiredString(params, 'payment_method');
    const email = optionalString(params, 'email');
    return paymentPage(payCheckoutSession(sandbox, account, session, paymentMethod, email));
  });
}

function paymentPage(session: CheckoutSessionObject): object {
  return { id: session.id, object: 'checkout.session', amount_total: session.amount_total, currency: session.currency, payment_status: session.payment_status, status: session.status, session_id: session.id };
}
