import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import type { StripeObject } from '../state.js';
import { filterByCreated, paginate } from '../wire/list.js';
import { applyMetadata, optionalNullableString, optionalString } from '../wire/params.js';
import type { PaymentMethodObject, TestCard } from './payment-methods.js';

export interface ChargeObject extends StripeObject {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string | null;
  currency: string;
  disputed: boolean;
  metadata: Record<string, string>;
  payment_intent: string | null;
  refunded: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  transfer?: string | null;
  transfer_group: string | null;
}

/**
 * A charge in Stripe's shape. Card charges belong to a payment intent; `py_…` charges are the
 * payments a connected account receives from a transfer (`transfer.destination_payment`).
 */
export function buildCharge(
  sandbox: SandboxContext,
  input: {
    id?: string;
    amount: number;
    currency: string;
    status: ChargeObject['status'];
    paymentIntent: string | null;
    paymentMethod?: PaymentMethodObject;
    card?: TestCard;
    description?: string | null;
    metadata?: Record<string, string>;
    transferGroup?: string | null;
    failure?: { code: string; message: string; declineCode: string };
    billingDetails?: unknown;
  },
): ChargeObject {
  const succeeded = input.status === 'succeeded';
  const card = input.paymentMethod?.card;
  return {
    id: input.id ?? generateId('ch'),
    object: 'charge',
    amount: input.amount,
    amount_captured: succeeded ? input.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: input.billingDetails ?? input.paymentMethod?.billing_details ?? { address: null, email: null, name: null, phone: null },
    calculated_statement_descriptor: 'SANDBOX',
    captured: succeeded,
    created: unixSeconds(sandbox.clock),
    currency: input.currency,
    customer: null,
    description: input.description ?? null,
    destination: null,
    dispute: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: input.failure?.code ?? null,
    failure_message: input.failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: input.metadata ?? {},
    on_behalf_of: null,
    outcome: input.card
      ? {
          network_status: succeeded ? 'approved_by_network' : 'declined_by_network',
          reason: input.failure?.declineCode ?? null,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: succeeded ? 'Payment complete.' : 'The bank did not return any further details with this decline.',
          type: succeeded ? 'authorized' : 'issuer_declined',
        }
      : null,
    paid: succeeded,
    payment_intent: input.paymentIntent,
    payment_method: input.paymentMethod?.id ?? null,
    payment_method_details: card
      ? { card: { brand: card.brand, country: 'US', exp_month: card.exp_month, exp_year: card.exp_year, fingerprint: card.fingerprint, funding: card.funding, last4: card.last4, network: card.brand, three_d_secure: null, wallet: null }, type: 'card' }
      : null,
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.status,
    transfer_data: null,
    transfer_group: input.transferGroup ?? null,
  };
}

export function registerChargeRoutes(router: StripeRouter): void {
  router.get('/v1/charges', ({ sandbox, params, account }) => {
    const paymentIntent = optionalString(params, 'payment_intent');
    const transferGroup = optionalString(params, 'transfer_group');
    const charges = sandbox.store.list<ChargeObject>('charge', account, (charge) =>
      (paymentIntent === undefined || charge.payment_intent === paymentIntent) && (transferGroup === undefined || charge.transfer_group === transferGroup),
    );
    return paginate(filterByCreated(charges, params), params, '/v1/charges');
  });
  router.get('/v1/charges/:id', ({ sandbox, path, account }) => sandbox.store.get<ChargeObject>('charge', path.id ?? '', account));
  router.post('/v1/charges/:id', ({ sandbox, path, params, account }) => {
    const charge = sandbox.store.get<ChargeObject>('charge', path.id ?? '', account);
    const previous = { metadata: charge.metadata, description: charge.description };
    charge.metadata = applyMetadata(params, charge.metadata);
    const description = optionalNullableString(params, 'description');
    if (description !== undefined) charge.description = description;
    emitEvent(sandbox, { type: 'charge.updated', account, object: charge, previousAttributes: previous });
    return charge;
  });
}
