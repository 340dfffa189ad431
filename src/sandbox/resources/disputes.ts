import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import { recordBalanceTransaction, type BalanceTransactionObject } from '../money/balance-transactions.js';
import type { StripeRouter } from '../router.js';
import { changedFields, snapshot, type StripeObject } from '../state.js';
import { filterByCreated, paginate } from '../wire/list.js';
import { applyMetadata, optionalBoolean, optionalObject, optionalString } from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';
import type { ChargeObject } from './charges.js';

export type DisputeStatus = 'warning_needs_response' | 'warning_under_review' | 'warning_closed' | 'needs_response' | 'under_review' | 'won' | 'lost';

export interface DisputeObject extends StripeObject {
  object: 'dispute';
  amount: number;
  balance_transactions: BalanceTransactionObject[];
  charge: string;
  currency: string;
  evidence: Record<string, unknown>;
  evidence_details: { due_by: number | null; has_evidence: boolean; past_due: boolean; submission_count: number };
  is_charge_refundable: boolean;
  metadata: Record<string, string>;
  status: DisputeStatus;
}

const EVIDENCE_FIELDS = [
  'access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure', 'cancellation_rebuttal',
  'customer_communication', 'customer_email_address', 'customer_name', 'customer_purchase_ip', 'customer_signature',
  'duplicate_charge_documentation', 'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description', 'receipt',
  'refund_policy', 'refund_policy_disclosure', 'refund_refusal_explanation', 'service_date', 'service_documentation',
  'shipping_address', 'shipping_carrier', 'shipping_date', 'shipping_documentation', 'shipping_tracking_number',
  'uncategorized_file', 'uncategorized_text',
];

/**
 * Opens a dispute on a charge, as Stripe's dispute test cards do. A chargeback withdraws the
 * amount plus the dispute fee from the balance (`charge.dispute.funds_withdrawn`); an inquiry
 * (`pm_card_createDisputeInquiry`) moves no money until it is lost.
 */
export function openDispute(sandbox: SandboxContext, account: string, charge: ChargeObject, scenario: { reason: string; inquiry: boolean }): DisputeObject {
  const now = unixSeconds(sandbox.clock);
  const disputeId = generateId('dp');
  const dispute: DisputeObject = {
    id: disputeId,
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    evidence: Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])),
    evidence_details: { due_by: now + 7 * 86_400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: scenario.inquiry,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: { card: { brand: (charge.payment_method_details as { card?: { brand?: string } } | null)?.card?.brand ?? 'visa', network_reason_code: '10.4' }, type: 'card' },
    reason: scenario.reason,
    status: scenario.inquiry ? 'warning_needs_response' : 'needs_response',
  };
  sandbox.store.insert(account, dispute);
  charge.disputed = true;
  charge.dispute = dispute.id;
  emitEvent(sandbox, { type: 'charge.dispute.created', account, object: dispute });
  if (!scenario.inquiry) withdrawFunds(sandbox, account, dispute);
  return dispute;
}

function withdrawFunds(sandbox: SandboxContext, account: string, dispute: DisputeObject): void {
  const transaction = recordBalanceTransaction(sandbox, {
    account, amount: -dispute.amount, currency: dispute.currency, type: 'adjustment', source: dispute.id,
    fee: sandbox.settings.disputeFee, feeDescription: 'Dispute fee', description: `Chargeback withdrawal for ${dispute.charge}`,
  });
  dispute.balance_transactions.push(snapshot(transaction));
  emitEvent(sandbox, { type: 'charge.dispute.funds_withdrawn', account, object: dispute });
}

function reinstateFunds(sandbox: SandboxContext, account: string, dispute: DisputeObject): void {
  const transaction = recordBalanceTransaction(sandbox, {
    account, amount: dispute.amount, currency: dispute.currency, type: 'adjustment', source: dispute.id,
    fee: -sandbox.settings.disputeFee, feeDescription: 'Dispute fee refund', reportingCategory: 'dispute_reversal',
    description: `Chargeback reversal for ${dispute.charge}`,
  });
  dispute.balance_transactions.push(snapshot(transaction));
  emitEvent(sandbox, { type: 'charge.dispute.funds_reinstated', account, object: dispute });
}

/**
 * Closes a dispute. Chargebacks end `won` (funds and fee reinstated) or `lost`; inquiries end
 * `warning_closed` when won, and when lost become a lost chargeback (funds withdrawn).
 */
function closeDispute(sandbox: SandboxContext, account: string, dispute: DisputeObject, outcome: 'won' | 'lost'): void {
  const before = snapshot(dispute);
  const wasInquiry = dispute.status.startsWith('warning_');
  if (wasInquiry && outcome === 'won') {
    dispute.status = 'warning_closed';
  } else {
    dispute.status = outcome;
    if (wasInquiry) withdrawFunds(sandbox, account, dispute);
    else if (outcome === 'won') reinstateFunds(sandbox, account, dispute);
  }
  dispute.is_charge_refundable = false;
  emitEvent(sandbox, { type: 'charge.dispute.closed', account, object: dispute, previousAttributes: changedFields(before, dispute) });
}

export function registerDisputeRoutes(router: StripeRouter): void {
  router.get('/v1/disputes', ({ sandbox, params, account }) => {
    const charge = optionalString(params, 'charge');
    const intent = optionalString(params, 'payment_intent');
    const disputes = sandbox.store.list<DisputeObject>('dispute', account, (dispute) => (charge === undefined || dispute.charge === charge) && (intent === undefined || dispute.payment_intent === intent));
    return paginate(filterByCreated(disputes, params), params, '/v1/disputes');
  });
  router.get('/v1/disputes/:id', ({ sandbox, path, account }) => sandbox.store.get<DisputeObject>('dispute', path.id ?? '', account));
  router.post('/v1/disputes/:id', ({ sandbox, path, params, account }) => {
    const dispute = sandbox.store.get<DisputeObject>('dispute', path.id ?? '', account);
    if (isClosed(dispute)) throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`, { code: 'charge_dispute_closed' });
    const before = snapshot(dispute);
    dispute.metadata = applyMetadata(params, dispute.metadata);
    const evidence = optionalObject(params, 'evidence');
    if (evidence) {
      for (const [field, value] of Object.entries(evidence)) {
        if (!EVIDENCE_FIELDS.includes(field)) throw invalidRequest(`Received unknown parameter: evidence[${field}]`, { code: 'parameter_unknown', param: `evidence[${field}]` });
        dispute.evidence[field] = typeof value === 'string' && value !== '' ? value : null;
      }
      dispute.evidence_details.has_evidence = true;
    }
    const submit = optionalBoolean(params, 'submit') ?? true;
    if (evidence && submit) {
      dispute.evidence_details.submission_count += 1;
      dispute.status = dispute.status.startsWith('warning_') ? 'warning_under_review' : 'under_review';
    }
    emitEvent(sandbox, { type: 'charge.dispute.updated', account, object: dispute, previousAttributes: changedFields(before, dispute) });
    if (evidence && submit) {
      // Stripe's test mode decides the outcome from magic evidence text.
      const texts = Object.values(dispute.evidence).filter((value): value is string => typeof value === 'string');
      if (texts.some((text) => text.includes('winning_evidence'))) closeDispute(sandbox, account, dispute, 'won');
      else if (texts.some((text) => text.includes('losing_evidence'))) closeDispute(sandbox, account, dispute, 'lost');
    }
    return dispute;
  });
  router.post('/v1/disputes/:id/close', ({ sandbox, path, account }) => {
    const dispute = sandbox.store.get<DisputeObject>('dispute', path.id ?? '', account);
    if (isClosed(dispute)) throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`, { code: 'charge_dispute_closed' });
    if (dispute.status.startsWith('warning_')) {
      const before = snapshot(dispute);
      dispute.status = 'warning_closed';
      emitEvent(sandbox, { type: 'charge.dispute.closed', account, object: dispute, previousAttributes: changedFields(before, dispute) });
    } else {
      closeDispute(sandbox, account, dispute, 'lost');
    }
    return dispute;
  });
}

function isClosed(dispute: DisputeObject): boolean {
  return dispute.status === 'won' || dispute.status === 'lost' || dispute.status === 'warning_closed';
}
