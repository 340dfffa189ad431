import { describe, expect, test } from 'vitest';
import { checkExchange, isDocumentedOperation } from './openapi-conformance.js';

const transfer = {
  id: 'tr_1', object: 'transfer', amount: 100, amount_reversed: 0, balance_transaction: 'txn_1', created: 1_700_000_000,
  currency: 'usd', description: null, destination: 'acct_1', destination_payment: 'py_1', livemode: false, metadata: {},
  reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: '/v1/transfers/tr_1/reversals' },
  reversed: false, source_transaction: null, source_type: 'card', transfer_group: null,
};

describe('OpenAPI conformance checks', () => {
  test('accept a Stripe-shaped transfer, including null and expanded fields', () => {
    expect(checkExchange({ method: 'GET', path: '/v1/transfers/tr_1', statusCode: 200, body: transfer })).toBeUndefined();
    const expanded = { ...transfer, balance_transaction: { id: 'txn_1', object: 'balance_transaction', amount: -100, available_on: 1, created: 1, currency: 'usd', description: null, fee: 0, fee_details: [], net: -100, reporting_category: 'transfer', source: 'tr_1', status: 'available', type: 'transfer' } };
    expect(checkExchange({ method: 'POST', path: '/v1/transfers', statusCode: 200, body: expanded })).toBeUndefined();
  });

  test('catch wrong types, missing required fields and bad enums', () => {
    const violation = checkExchange({ method: 'GET', path: '/v1/transfers/tr_1', statusCode: 200, body: { ...transfer, amount: '100', object: 'payout' } });
    expect(violation?.operation).toBe('GET /v1/transfers/{transfer}');
    expect(violation?.errors.join('\n')).toContain('/amount must be integer');
    expect(violation?.errors.join('\n')).toContain('/object must be equal to one of the allowed values');
    const { reversed: _reversed, ...incomplete } = transfer;
    expect(checkExchange({ method: 'GET', path: '/v1/transfers/tr_1', statusCode: 200, body: incomplete })?.errors.join('\n')).toContain("must have required property 'reversed'");
  });

  test('errors are checked against the error schema', () => {
    expect(checkExchange({ method: 'POST', path: '/v1/transfers', statusCode: 400, body: { error: { type: 'invalid_request_error', code: 'balance_insufficient', message: 'x' } } })).toBeUndefined();
    expect(checkExchange({ method: 'POST', path: '/v1/transfers', statusCode: 400, body: { error: { type: 'oops' } } })?.operation).toBe('error');
  });

  test('lists are checked as lists, and the most literal path template wins', () => {
    expect(checkExchange({ method: 'GET', path: '/v1/transfers', statusCode: 200, body: { object: 'list', data: [transfer], has_more: false, url: '/v1/transfers' } })).toBeUndefined();
    expect(checkExchange({ method: 'GET', path: '/v1/transfers', statusCode: 200, body: { object: 'list', data: [{ ...transfer, amount: null }], has_more: false, url: '/v1/transfers' } })).toBeDefined();
    expect(isDocumentedOperation('GET', '/v1/balance')).toBe(true);
    expect(isDocumentedOperation('GET', '/v1/payment_pages/cs_test_1')).toBe(false);
  });
});
