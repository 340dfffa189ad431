import type { BalanceTransactionObject } from '../money/balance-transactions.js';
import { renderBalance } from '../money/balance-transactions.js';
import type { StripeRouter } from '../router.js';
import { filterByCreated, paginate } from '../wire/list.js';
import { optionalString } from '../wire/params.js';

/** `GET /v1/balance` and the balance transactions behind it, per account. */
export function registerBalanceRoutes(router: StripeRouter): void {
  router.get('/v1/balance', ({ sandbox, account }) => renderBalance(sandbox, account));
  router.get('/v1/balance_transactions', ({ sandbox, params, account }) => {
    const type = optionalString(params, 'type');
    const source = optionalString(params, 'source');
    const currency = optionalString(params, 'currency')?.toLowerCase();
    const transactions = sandbox.store.list<BalanceTransactionObject>('balance_transaction', account, (transaction) =>
      (type === undefined || transaction.type === type) && (source === undefined || transaction.source === source) && (currency === undefined || transaction.currency === currency),
    );
    return paginate(filterByCreated(transactions, params), params, '/v1/balance_transactions');
  });
  router.get('/v1/balance_transactions/:id', ({ sandbox, path, account }) => sandbox.store.get<BalanceTransactionObject>('balance_transaction', path.id ?? '', account));
}
