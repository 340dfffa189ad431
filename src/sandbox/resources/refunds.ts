import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import { recordBalanceTransaction, type BalanceTransactionObject } from '../money/balance-transactions.js';
import type { StripeRouter } from '../router.js';
import { snapshot, type StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { filterByCreated, paginate } from '../wire/list.js';
import { applyMetadata, optionalBoolean, optionalEnum, optionalInteger, optionalString } from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';
import type { ChargeObject } from './charges.js';
import type { DisputeObject } from './disputes.js';
import type { PaymentIntentObject } from './payment-intents.js';
import { reverseTransfer, type TransferObject } from './transfers.js';

export interface RefundObject extends StripeObject {
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string | null;
  metadata: Record<string, string>;
}

/**
 * Refunds all or part of a charge: the money leaves the account's balance at once, the charge's
 * `amount_refunded` grows and `refunded` turns true when nothing is left. `reverse_transfer`
 * also pulls a destination charge's share back from the connected account.
 */
export function createRefund(sandbox: SandboxContext, account: string, params: FormParams): RefundObject {
  const chargeId = optionalString(params, 'charge');
  const intentId = optionalString(params, 'payment_intent');
  if (!chargeId && !intentId) throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing', param: 'charge' });
  let charge: ChargeObject;
  if (chargeId) {
    charge = sandbox.store.get<ChargeObject>('charge', chargeId, account, { param: 'charge' });
  } else {
    const intent = sandbox.store.get<PaymentIntentObject>('payment_intent', intentId ?? '', account, { label: 'payment_intent', param: 'payment_intent' });
    if (intent.status !== 'succeeded' || !intent.latest_charge) {
      throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, { code: 'charge_not_refundable', param: 'payment_intent' });
    }
    charge = sandbox.store.get<ChargeObject>('charge', intent.latest_charge, account);
  }
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { code: 'charge_not_refundable', param: 'charge' });
  const dispute = typeof charge.dispute === 'string' ? (sandbox.store.find(charge.dispute) as DisputeObject | undefined) : undefined;
  if (charge.disputed && dispute && !dispute.is_charge_refundable) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed', param: 'charge' });
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded', param: 'charge' });
  const amount = optionalInteger(params, 'amount', { min: 1 }) ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, { code: 'amount_too_large', param: 'amount' });
  }
  const refundId = generateId('re');
  // A refund of a charge whose funds are still pending comes out of those pending funds.
  const chargeTransaction = charge.balance_transaction ? (sandbox.store.find(charge.balance_transaction) as BalanceTransactionObject | undefined) : undefined;
  const transaction = recordBalanceTransaction(sandbox, {
    account, amount: -amount, currency: charge.currency, type: 'refund', source: refundId, description: 'REFUND FOR CHARGE',
    availableOn: chargeTransaction?.status === 'pending' ? chargeTransaction.available_on : undefined,
  });
  const refund: RefundObject = {
    id: refundId,
    object: 'refund',
    amount,
    balance_transaction: transaction.id,
    charge: charge.id,
    created: unixSeconds(sandbox.clock),
    currency: charge.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: applyMetadata(params),
    payment_intent: charge.payment_intent,
    reason: optionalEnum(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  sandbox.store.insert(account, refund);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  if (optionalBoolean(params, 'reverse_transfer') && typeof charge.transfer === 'string') {
    const transfer = sandbox.store.get<TransferObject>('transfer', charge.transfer, account);
    const share = Math.min(transfer.amount - transfer.amount_reversed, Math.round((transfer.amount * amount) / charge.amount));
    if (share > 0) refund.transfer_reversal = reverseTransfer(sandbox, account, transfer, { amount: share }).id;
  }
  emitEvent(sandbox, { type: 'refund.created', account, object: refund });
  emitEvent(sandbox, { type: 'charge.refunded', account, object: withRefunds(sandbox, account, charge), previousAttributes: previous });
  return refund;
}

/** The charge as `charge.refunded` carries it: with its refunds embedded. */
function withRefunds(sandbox: SandboxContext, account: string, charge: ChargeObject): StripeObject {
  const refunds = sandbox.store.list<RefundObject>('refund', account, (refund) => refund.charge === charge.id);
  return { ...snapshot(charge), refunds: { object: 'list', data: refunds, has_more: false, total_count: refunds.length, url: `/v1/charges/${charge.id}/refunds` } };
}

export function registerRefundRoutes(router: StripeRouter): void {
  router.post('/v1/refunds', ({ sandbox, params, account }) => createRefund(sandbox, account, params));
  router.get('/v1/refunds', ({ sandbox, params, account }) => {
    const charge = optionalString(params, 'charge');
    const intent = optionalString(params, 'payment_intent');
    const refunds = sandbox.store.list<RefundObject>('refund', account, (refund) => (charge === undefined || refund.charge === charge) && (intent === undefined || refund.payment_intent === intent));
    return paginate(filterByCreated(refunds, params), params, '/v1/refunds');
  });
  router.get('/v1/refunds/:id', ({ sandbox, path, account }) => sandbox.store.get<RefundObject>('refund', path.id ?? '', account));
  router.post('/v1/refunds/:id', ({ sandbox, path, params, account }) => {
    const refund = sandbox.store.get<RefundObject>('refund', path.id ?? '', account);
    refund.metadata = applyMetadata(params, refund.metadata);
    emitEvent(sandbox, { type: 'refund.updated', account, object: refund });
    return refund;
  });
  router.get('/v1/charges/:id/refunds', ({ sandbox, path, params, account }) => {
    const charge = sandbox.store.get<ChargeObject>('charge', path.id ?? '', account);
    return paginate(sandbox.store.list<RefundObject>('refund', account, (refund) => refund.charge === charge.id), params, `/v1/charges/${charge.id}/refunds`);
  });
}
