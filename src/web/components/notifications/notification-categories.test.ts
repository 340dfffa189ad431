import { describe, expect, it } from 'vitest';
import { categoryOfUnsubscribeToken } from './notification-categories';

describe('categoryOfUnsubscribeToken', () => {
  /** base64url as the service writes it (no padding, '-' and '_'), made with the browser's own functions. */
  const body = (claims: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(claims))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');

  it("reads the category of the token's first part (display only: the service checks the signature)", () => {
    expect(categoryOfUnsubscribeToken(`${body({ u: 'usr_1', c: 'payouts', m: '17' })}.signature`)).toBe('payouts');
    // Non-ASCII claims, and a body with characters that differ from base64 ('_' here) and no padding.
    const tricky = body({ u: 'usr_??>>', c: 'refunds_disputes', m: 'é' });
    expect(tricky).toContain('_');
    expect(categoryOfUnsubscribeToken(`${tricky}.x`)).toBe('refunds_disputes');
  });

  it('is undefined for anything else', () => {
    expect(categoryOfUnsubscribeToken('')).toBeUndefined();
    expect(categoryOfUnsubscribeToken('not base64 json.x')).toBeUndefined();
    expect(categoryOfUnsubscribeToken(`${body({ u: 'usr_1', c: 'marketing' })}.x`)).toBeUndefined();
    expect(categoryOfUnsubscribeToken(`${body(['payouts'])}.x`)).toBeUndefined();
  });
});
