import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import { availableAmount, recordBalanceTransaction } from '../money/balance-transactions.js';
import type { StripeRouter } from '../router.js';
import { changedFields, snapshot, type StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { filterByCreated, paginate } from '../wire/list.js';
import {
  applyMetadata,
  optionalEnum,
  optionalNullableString,
  optionalString,
  requiredCurrency,
  requiredInteger,
} from '../wire/params.js';
import { balanceInsufficient, invalidRequest } from '../wire/stripe-error.js';
import { TEST_BANK_ACCOUNT_FAILURES, bankAccountNumber, defaultBankAccount, type AccountObject, type BankAccountObject } from './accounts.js';

export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';

export interface PayoutObject extends StripeObject {
  object: 'payout';
  amount: number;
  arrival_date: number;
  created: number;
  currency: string;
  destination: string | null;
  failure_code: string | null;
  metadata: Record<string, string>;
  status: PayoutStatus;
}

/**
 * A payout from an account's available balance to its bank account. It goes `pending` →
 * `in_transit` → `paid` as the sandbox clock passes `created + payoutInTransitAfterSeconds`
 * and `arrival_date`; a bank account with one of Stripe's failing test numbers makes it
 * `failed` at arrival instead, and the money returns to the balance.
 */
export function createPayout(sandbox: SandboxContext, accountId: string, params: FormParams): PayoutObject {
  const amount = requiredInteger(params, 'amount', { min: 1 });
  const currency = requiredCurrency(params);
  const account = sandbox.store.get<AccountObject>('account', accountId, null);
  if (!account.payouts_enabled) {
    throw invalidRequest('Your account cannot currently make payouts. Please make sure your account details are complete.', { code: 'payouts_not_allowed' });
  }
  const destinationId = optionalString(params, 'destination');
  const bank = destinationId
    ? sandbox.store.get<BankAccountObject>('bank_account', destinationId, accountId, { label: 'external account', param: 'destination' })
    : defaultBankAccount(sandbox, accountId);
  if (!bank) throw invalidRequest('This account has no external account to pay out to.', { code: 'no_external_account' });
  if (availableAmount(sandbox, accountId, currency) < amount) {
    throw balanceInsufficient(
      'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).',
    );
  }
  const now = unixSeconds(sandbox.clock);
  const payoutId = generateId('po');
  const transaction = recordBalanceTransaction(sandbox, { account: accountId, amount: -amount, currency, type: 'payout', source: payoutId, description: 'STRIPE PAYOUT' });
  const payout: PayoutObject = {
    id: payoutId,
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: now + sandbox.settings.payoutArrivalSeconds,
    automatic: false,
    balance_transaction: transaction.id,
    created: now,
    currency,
    description: optionalString(params, 'description') ?? 'STRIPE PAYOUT',
    destination: bank.id,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: applyMetadata(params),
    method: optionalEnum(params, 'method', ['standard', 'instant'] as const) ?? 'standard',
    original_payout: null,
    reconciliation_status: 'not_applicable',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: optionalString(params, 'statement_descriptor') ?? null,
    status: 'pending',
    type: 'bank_account',
  };
  sandbox.store.insert(accountId, payout);
  emitEvent(sandbox, { type: 'payout.created', account: accountId, object: payout });
  return payout;
}

/** Moves payouts along their lifecycle up to the current sandbox time, emitting Stripe's events. */
export function advancePayouts(sandbox: SandboxContext): void {
  const now = unixSeconds(sandbox.clock);
  const open = sandbox.store.list<PayoutObject>('payout', null, (payout) => payout.status === 'pending' || payout.status === 'in_transit').reverse();
  for (const payout of open) {
    const account = sandbox.store.ownerOf(payout.id) ?? sandbox.platformAccountId;
    if (payout.status === 'pending' && now >= payout.created + sandbox.settings.payoutInTransitAfterSeconds) {
      const before = snapshot(payout);
      payout.status = 'in_transit';
      emitEvent(sandbox, { type: 'payout.updated', account, object: payout, previousAttributes: changedFields(before, payout) });
    }
    if (now < payout.arrival_date) continue;
    const before = snapshot(payout);
    const failure = payout.destination ? TEST_BANK_ACCOUNT_FAILURES[bankAccountNumber(sandbox, payout.destination)] : undefined;
    if (failure) {
      const refund = recordBalanceTransaction(sandbox, { account, amount: payout.amount, currency: payout.currency, type: 'payout_failure', source: payout.id, description: 'STRIPE PAYOUT FAILURE' });
      payout.status = 'failed';
      payout.failure_code = failure.code;
      payout.failure_message = failure.message;
      payout.failure_balance_transaction = refund.id;
      emitEvent(sandbox, { type: 'payout.failed', account, object: payout, previousAttributes: changedFields(before, payout) });
    } else {
      payout.status = 'paid';
      emitEvent(sandbox, { type: 'payout.paid', account, object: payout, previousAttributes: changedFields(before, payout) });
    }
  }
}

export function registerPayoutRoutes(router: StripeRouter): void {
  router.post('/v1/payouts', ({ sandbox, params, account }) => createPayout(sandbox, account, params));
  router.get('/v1/payouts', ({ sandbox, params, account }) => {
    const status = optionalString(params, 'status');
    const destination = optionalString(params, 'destination');
    const payouts = sandbox.store.list<PayoutObject>('payout', account, (payout) => (status === undefined || payout.status === status) && (destination === undefined || payout.destination === destination));
    return paginate(filterByCreated(filterByCreated(payouts, params), params, 'arrival_date'), params, '/v1/payouts');
  });
  router.get('/v1/payouts/:id', ({ sandbox, path, account }) => sandbox.store.get<PayoutObject>('payout', path.id ?? '', account));
  router.post('/v1/payouts/:id', ({ sandbox, path, params, account }) => {
    const payout = sandbox.store.get<PayoutObject>('payout', path.id ?? '', account);
    const before = snapshot(payout);
    payout.metadata = applyMetadata(params, payout.metadata);
    const description = optionalNullableString(params, 'description');
    if (description !== undefined) payout.description = description;
    emitEvent(sandbox, { type: 'payout.updated', account, object: payout, previousAttributes: changedFields(before, payout) });
    return payout;
  });
  router.post('/v1/payouts/:id/cancel', ({ sandbox, path, account }) => {
    const payout = sandbox.store.get<PayoutObject>('payout', path.id ?? '', account);
    if (payout.status !== 'pending') throw invalidRequest(`Payouts can only be canceled while they are pending; this one is ${payout.status}.`, { code: 'payout_not_cancelable' });
    const before = snapshot(payout);
    recordBalanceTransaction(sandbox, { account, amount: payout.amount, currency: payout.currency, type: 'payout_cancel', source: payout.id, description: 'STRIPE PAYOUT CANCELED' });
    payout.status = 'canceled';
    emitEvent(sandbox, { type: 'payout.canceled', account, object: payout, previousAttributes: changedFields(before, payout) });
    return payout;
  });
}
