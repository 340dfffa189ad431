import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import { availableAmount, recordBalanceTransaction, type BalanceTransactionObject } from '../money/balance-transactions.js';
import type { StripeRouter } from '../router.js';
import { changedFields, snapshot, type StripeObject } from '../state.js';
import { embeddedList, filterByCreated, paginate, type ListObject } from '../wire/list.js';
import {
  applyMetadata,
  optionalInteger,
  optionalNullableString,
  optionalString,
  requiredCurrency,
  requiredInteger,
  requiredString,
} from '../wire/params.js';
import { balanceInsufficient, invalidRequest } from '../wire/stripe-error.js';
import type { AccountObject } from './accounts.js';
import { buildCharge, type ChargeObject } from './charges.js';

export interface TransferObject extends StripeObject {
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  currency: string;
  destination: string;
  destination_payment: string;
  metadata: Record<string, string>;
  reversals: ListObject<TransferReversalObject>;
  reversed: boolean;
  source_transaction: string | null;
  transfer_group: string | null;
}

export interface TransferReversalObject extends StripeObject {
  object: 'transfer_reversal';
  amount: number;
  transfer: string;
  metadata: Record<string, string>;
}

/**
 * Moves money from `sourceAccount`'s balance to a connected account, synchronously, as
 * Stripe's separate charges and transfers do. Without `sourceTransaction` the platform's
 * AVAILABLE balance must cover it (else 400 `balance_insufficient`); with it, the money comes
 * from that charge and becomes available to the destination when the charge's funds do.
 */
export function createTransfer(
  sandbox: SandboxContext,
  sourceAccount: string,
  input: { amount: number; currency: string; destination: string; sourceTransaction?: string; transferGroup?: string | null; description?: string | null; metadata?: Record<string, string> },
): TransferObject {
  const destination = sandbox.store.find(input.destination);
  if (!destination || destination.object !== 'account' || sandbox.store.ownerOf(destination.id) !== sandbox.platformAccountId || destination.id === sourceAccount) {
    throw invalidRequest(`No such destination: '${input.destination}'`, { code: 'resource_missing', param: 'destination' });
  }
  const account = destination as AccountObject;
  if (account.type !== 'standard' && account.capabilities.transfers !== 'active' && account.capabilities.legacy_payments !== 'active') {
    throw invalidRequest(
      'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
      { code: 'insufficient_capabilities_for_transfer', param: 'destination' },
    );
  }
  const now = unixSeconds(sandbox.clock);
  let availableOn = now;
  if (input.sourceTransaction) {
    const charge = sandbox.store.get<ChargeObject>('charge', input.sourceTransaction, sourceAccount, { label: 'charge', param: 'source_transaction' });
    if (charge.status !== 'succeeded') throw invalidRequest('The source transaction must be a succeeded charge.', { param: 'source_transaction' });
    if (charge.currency !== input.currency) {
      throw invalidRequest(`The currency of source_transaction's balance transaction (${charge.currency}) must be the same as the transfer currency (${input.currency})`, { param: 'currency' });
    }
    const alreadyTransferred = sandbox.store
      .list<TransferObject>('transfer', sourceAccount, (transfer) => transfer.source_transaction === charge.id)
      .reduce((sum, transfer) => sum + transfer.amount - transfer.amount_reversed, 0);
    const remaining = charge.amount - charge.amount_refunded - alreadyTransferred;
    if (input.amount > remaining) {
      throw invalidRequest(`Insufficient funds on the source transaction ${charge.id}: ${remaining} ${charge.currency} left to transfer.`, { code: 'balance_insufficient', param: 'amount' });
    }
    const chargeTransaction = charge.balance_transaction ? (sandbox.store.find(charge.balance_transaction) as BalanceTransactionObject | undefined) : undefined;
    availableOn = Math.max(now, chargeTransaction?.available_on ?? now);
  } else if (availableAmount(sandbox, sourceAccount, input.currency) < input.amount) {
    throw balanceInsufficient(
      'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
    );
  }

  const transferId = generateId('tr');
  const payment = buildCharge(sandbox, { id: generateId('py'), amount: input.amount, currency: input.currency, status: 'succeeded', paymentIntent: null });
  payment.source_transfer = transferId;
  payment.payment_method_details = { stripe_account: {}, type: 'stripe_account' };
  const paymentTransaction = recordBalanceTransaction(sandbox, { account: account.id, amount: input.amount, currency: input.currency, type: 'payment', source: payment.id, availableOn });
  payment.balance_transaction = paymentTransaction.id;
  sandbox.store.insert(account.id, payment);

  const transaction = recordBalanceTransaction(sandbox, { account: sourceAccount, amount: -input.amount, currency: input.currency, type: 'transfer', source: transferId, availableOn });
  const transfer: TransferObject = {
    id: transferId,
    object: 'transfer',
    amount: input.amount,
    amount_reversed: 0,
    balance_transaction: transaction.id,
    created: now,
    currency: input.currency,
    description: input.description ?? null,
    destination: account.id,
    destination_payment: payment.id,
    livemode: false,
    metadata: input.metadata ?? {},
    reversals: embeddedList<TransferReversalObject>([], `/v1/transfers/${transferId}/reversals`),
    reversed: false,
    source_transaction: input.sourceTransaction ?? null,
    source_type: 'card',
    transfer_group: input.transferGroup ?? null,
  };
  sandbox.store.insert(sourceAccount, transfer);
  emitEvent(sandbox, { type: 'transfer.created', account: sourceAccount, object: transfer });
  return transfer;
}

/** Takes money back from the destination account (all that is left when `amount` is omitted). */
export function reverseTransfer(
  sandbox: SandboxContext,
  sourceAccount: string,
  transfer: TransferObject,
  input: { amount?: number; metadata?: Record<string, string>; description?: string | null },
): TransferReversalObject {
  const remaining = transfer.amount - transfer.amount_reversed;
  const amount = input.amount ?? remaining;
  if (remaining === 0) throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`, { code: 'transfer_already_reversed' });
  if (amount > remaining) {
    throw invalidRequest(`You have requested a reversal of ${amount} but the transfer has only ${remaining} left to reverse.`, { param: 'amount' });
  }
  const reversalId = generateId('trr');
  const transaction = recordBalanceTransaction(sandbox, { account: sourceAccount, amount, currency: transfer.currency, type: 'transfer_refund', source: reversalId });
  recordBalanceTransaction(sandbox, { account: transfer.destination, amount: -amount, currency: transfer.currency, type: 'payment_refund', source: transfer.destination_payment });
  const payment = sandbox.store.find(transfer.destination_payment) as ChargeObject | undefined;
  if (payment) {
    payment.amount_refunded += amount;
    payment.refunded = payment.amount_refunded >= payment.amount;
  }
  const reversal: TransferReversalObject = {
    id: reversalId,
    object: 'transfer_reversal',
    amount,
    balance_transaction: transaction.id,
    created: unixSeconds(sandbox.clock),
    currency: transfer.currency,
    destination_payment_refund: null,
    metadata: input.metadata ?? {},
    source_refund: null,
    transfer: transfer.id,
  };
  sandbox.store.insert(sourceAccount, reversal);
  const previous = { amount_reversed: transfer.amount_reversed, reversed: transfer.reversed, reversals: snapshot(transfer.reversals) };
  transfer.amount_reversed += amount;
  transfer.reversed = transfer.amount_reversed >= transfer.amount;
  refreshReversals(sandbox, sourceAccount, transfer);
  emitEvent(sandbox, { type: 'transfer.reversed', account: sourceAccount, object: transfer, previousAttributes: previous });
  return reversal;
}

function refreshReversals(sandbox: SandboxContext, account: string, transfer: TransferObject): void {
  const reversals = sandbox.store.list<TransferReversalObject>('transfer_reversal', account, (reversal) => reversal.transfer === transfer.id);
  transfer.reversals = embeddedList(reversals, `/v1/transfers/${transfer.id}/reversals`);
}

export function registerTransferRoutes(router: StripeRouter): void {
  router.post('/v1/transfers', ({ sandbox, params, account }) =>
    createTransfer(sandbox, account, {
      amount: requiredInteger(params, 'amount', { min: 1 }),
      currency: requiredCurrency(params),
      destination: requiredString(params, 'destination'),
      sourceTransaction: optionalString(params, 'source_transaction'),
      transferGroup: optionalString(params, 'transfer_group') ?? null,
      description: optionalString(params, 'description') ?? null,
      metadata: applyMetadata(params),
    }),
  );
  router.get('/v1/transfers', ({ sandbox, params, account }) => {
    const destination = optionalString(params, 'destination');
    const transferGroup = optionalString(params, 'transfer_group');
    const transfers = sandbox.store.list<TransferObject>('transfer', account, (transfer) =>
      (destination === undefined || transfer.destination === destination) && (transferGroup === undefined || transfer.transfer_group === transferGroup),
    );
    return paginate(filterByCreated(transfers, params), params, '/v1/transfers');
  });
  router.get('/v1/transfers/:id', ({ sandbox, path, account }) => findTransfer(sandbox, path.id ?? '', account));
  router.post('/v1/transfers/:id', ({ sandbox, path, params, account }) => {
    const transfer = findTransfer(sandbox, path.id ?? '', account);
    const before = snapshot(transfer);
    const description = optionalNullableString(params, 'description');
    if (description !== undefined) transfer.description = description;
    transfer.metadata = applyMetadata(params, transfer.metadata);
    emitEvent(sandbox, { type: 'transfer.updated', account, object: transfer, previousAttributes: changedFields(before, transfer) });
    return transfer;
  });
  router.post('/v1/transfers/:id/reversals', ({ sandbox, path, params, account }) =>
    reverseTransfer(sandbox, account, findTransfer(sandbox, path.id ?? '', account), {
      amount: optionalInteger(params, 'amount', { min: 1 }),
      metadata: applyMetadata(params),
      description: optionalString(params, 'description') ?? null,
    }),
  );
  router.get('/v1/transfers/:id/reversals', ({ sandbox, path, params, account }) => {
    const transfer = findTransfer(sandbox, path.id ?? '', account);
    const reversals = sandbox.store.list<TransferReversalObject>('transfer_reversal', account, (reversal) => reversal.transfer === transfer.id);
    return paginate(reversals, params, `/v1/transfers/${transfer.id}/reversals`);
  });
  router.get('/v1/transfers/:id/reversals/:reversal', ({ sandbox, path, account }) => {
    const transfer = findTransfer(sandbox, path.id ?? '', account);
    const reversal = sandbox.store.get<TransferReversalObject>('transfer_reversal', path.reversal ?? '', account, { label: 'transfer_reversal' });
    if (reversal.transfer !== transfer.id) throw invalidRequest(`No such transfer_reversal: '${reversal.id}'`, { code: 'resource_missing', statusCode: 404 });
    return reversal;
  });
  router.post('/v1/transfers/:id/reversals/:reversal', ({ sandbox, path, params, account }) => {
    const reversal = sandbox.store.get<TransferReversalObject>('transfer_reversal', path.reversal ?? '', account, { label: 'transfer_reversal' });
    reversal.metadata = applyMetadata(params, reversal.metadata);
    refreshReversals(sandbox, account, findTransfer(sandbox, path.id ?? '', account));
    return reversal;
  });
}

function findTransfer(sandbox: SandboxContext, id: string, account: string): TransferObject {
  return sandbox.store.get<TransferObject>('transfer', id, account);
}
