import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import type { StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { addressFrom, applyMetadata, optionalObject, optionalString, requiredString } from '../wire/params.js';
import { invalidRequest, resourceMissing } from '../wire/stripe-error.js';

/** How a Stripe test card behaves when charged. */
export interface TestCard {
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  /** Declined cards fail with a 402 `card_error`. */
  decline?: { code: string; declineCode: string; message: string };
  /** Cards that open a dispute right after the payment succeeds. */
  dispute?: { reason: string; inquiry: boolean };
  /** Funds are available at once instead of after the availability delay. */
  bypassPending?: boolean;
}

const VISA: TestCard = { brand: 'visa', last4: '4242', funding: 'credit' };
const GENERIC_DECLINE = { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' };

/** Stripe's test payment methods, by `pm_card_…` id, `tok_…` token and card number. */
export const TEST_CARDS: Record<string, TestCard> = {
  visa: VISA,
  visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit' },
  amex: { brand: 'amex', last4: '8431', funding: 'credit' },
  bypassPending: { brand: 'visa', last4: '0077', funding: 'credit', bypassPending: true },
  chargeDeclined: { brand: 'visa', last4: '0002', funding: 'credit', decline: GENERIC_DECLINE },
  chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', funding: 'credit', decline: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' } },
  chargeDeclinedFraudulent: { brand: 'visa', last4: '0019', funding: 'credit', decline: { code: 'card_declined', declineCode: 'fraudulent', message: 'Your card was declined.' } },
  chargeDeclinedExpiredCard: { brand: 'visa', last4: '0069', funding: 'credit', decline: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' } },
  createDispute: { brand: 'visa', last4: '0259', funding: 'credit', dispute: { reason: 'fraudulent', inquiry: false } },
  createDisputeProductNotReceived: { brand: 'visa', last4: '2685', funding: 'credit', dispute: { reason: 'product_not_received', inquiry: false } },
  createDisputeInquiry: { brand: 'visa', last4: '1976', funding: 'credit', dispute: { reason: 'fraudulent', inquiry: true } },
};

const CARD_NUMBERS: Record<string, string> = {
  '4242424242424242': 'visa',
  '4000056655665556': 'visa_debit',
  '5555555555554444': 'mastercard',
  '378282246310005': 'amex',
  '4000000000000077': 'bypassPending',
  '4000000000000002': 'chargeDeclined',
  '4000000000009995': 'chargeDeclinedInsufficientFunds',
  '4100000000000019': 'chargeDeclinedFraudulent',
  '4000000000000069': 'chargeDeclinedExpiredCard',
  '4000000000000259': 'createDispute',
  '4000000000002685': 'createDisputeProductNotReceived',
  '4000000000001976': 'createDisputeInquiry',
};

/** `pm_card_visa`, `tok_visa`, `pm_card_chargeDeclined`, … → the test card's name. */
function testCardName(reference: string): string | undefined {
  const match = /^(?:pm_card|tok)_(.+)$/.exec(reference);
  if (!match?.[1]) return undefined;
  return match[1] in TEST_CARDS ? match[1] : undefined;
}

export interface PaymentMethodObject extends StripeObject {
  object: 'payment_method';
  card: { brand: string; last4: string; funding: string } & Record<string, unknown>;
}

/**
 * The payment method a request names, creating it from a test reference (`pm_card_visa`)
 * the way Stripe does, and the test card behaviour behind it.
 */
export function resolvePaymentMethod(sandbox: SandboxContext, account: string, reference: string, param = 'payment_method'): { paymentMethod: PaymentMethodObject; card: TestCard } {
  const cardName = testCardName(reference);
  if (cardName) {
    const paymentMethod = createCardPaymentMethod(sandbox, account, cardName, {});
    return { paymentMethod, card: TEST_CARDS[cardName] ?? VISA };
  }
  const paymentMethod = sandbox.store.get<PaymentMethodObject>('payment_method', reference, account, { label: 'PaymentMethod', param });
  return { paymentMethod, card: TEST_CARDS[String(sandbox.store.includableFields(reference).sandbox_test_card)] ?? VISA };
}

function createCardPaymentMethod(sandbox: SandboxContext, account: string, cardName: string, params: FormParams): PaymentMethodObject {
  const card = TEST_CARDS[cardName] ?? VISA;
  const billing = optionalObject(params, 'billing_details') ?? {};
  const address = optionalObject(billing, 'address') ?? {};
  const paymentMethod: PaymentMethodObject = {
    id: generateId('pm'),
    object: 'payment_method',
    billing_details: {
      address: addressFrom(address),
      email: optionalString(billing, 'email') ?? null,
      name: optionalString(billing, 'name') ?? null,
      phone: optionalString(billing, 'phone') ?? null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: card.brand,
      exp_month: 12,
      exp_year: new Date(sandbox.clock.now()).getUTCFullYear() + 3,
      fingerprint: `fp${card.last4}${card.brand}`.slice(0, 16),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: unixSeconds(sandbox.clock),
    customer: null,
    livemode: false,
    metadata: applyMetadata(params),
    type: 'card',
  };
  return sandbox.store.insert(account, paymentMethod, { sandbox_test_card: cardName });
}

export function registerPaymentMethodRoutes(router: StripeRouter): void {
  router.post('/v1/payment_methods', ({ sandbox, params, account }) => {
    const type = requiredString(params, 'type');
    if (type !== 'card') throw invalidRequest(`The sandbox only supports card payment methods, not '${type}'.`, { param: 'type' });
    const card = optionalObject(params, 'card');
    if (!card) throw invalidRequest('Missing required param: card.', { param: 'card', code: 'parameter_missing' });
    const token = optionalString(card, 'token', 'card[token]');
    const number = optionalString(card, 'number', 'card[number]')?.replace(/\s+/g, '');
    const cardName = token ? testCardName(token) : number ? CARD_NUMBERS[number] : undefined;
    if (!cardName) {
      if (token) throw resourceMissing('token', token, 'card[token]');
      throw invalidRequest('Your card number is incorrect.', { param: 'card[number]', code: 'incorrect_number' });
    }
    return createCardPaymentMethod(sandbox, account, cardName, params);
  });
  router.get('/v1/payment_methods/:id', ({ sandbox, path, account }) => {
    const id = path.id ?? '';
    return testCardName(id) ? resolvePaymentMethod(sandbox, account, id).paymentMethod : sandbox.store.get('payment_method', id, account, { label: 'PaymentMethod' });
  });
}
