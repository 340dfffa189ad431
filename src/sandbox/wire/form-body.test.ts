import { describe, expect, test } from 'vitest';
import { parseStripeForm } from './form-body.js';

describe('parseStripeForm', () => {
  test('decodes Stripe bracket notation into nested objects', () => {
    expect(parseStripeForm('amount=100&metadata[order]=42&transfer_data[destination]=acct_1&shipping[address][city]=Paris')).toEqual({
      amount: '100',
      metadata: { order: '42' },
      transfer_data: { destination: 'acct_1' },
      shipping: { address: { city: 'Paris' } },
    });
  });

  test('reads both array styles: expand[]= and expand[0]=', () => {
    expect(parseStripeForm('expand[]=a&expand[]=b').expand).toEqual(['a', 'b']);
    expect(parseStripeForm('expand[0]=a&expand[1]=b.c').expand).toEqual(['a', 'b.c']);
    expect(parseStripeForm('line_items[0][price]=price_1&line_items[0][quantity]=2').line_items).toEqual([{ price: 'price_1', quantity: '2' }]);
  });

  test('keeps empty strings, which Stripe uses to unset a field', () => {
    expect(parseStripeForm('metadata[key]=&description=')).toEqual({ metadata: { key: '' }, description: '' });
  });
});
