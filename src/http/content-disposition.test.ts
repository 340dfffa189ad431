import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from './content-disposition.js';

/** What RFC 6266 allows a parser to see: one `filename` and one `filename*`, nothing else. */
function parameters(header: string): string[] {
  const quoted = /"(?:[^"\\]|\\.)*"/g;
  return header
    .replace(quoted, '""')
    .split(';')
    .slice(1)
    .map((part) => part.trim().split('=')[0]!);
}

describe('attachmentDisposition', () => {
  it('keeps a plain name as it is', () => {
    expect(attachmentDisposition('payouts-cr_1.csv')).toBe(`attachment; filename="payouts-cr_1.csv"; filename*=UTF-8''payouts-cr_1.csv`);
  });

  it('percent-encodes the exact name in filename* (RFC 5987) and reduces the quoted fallback to safe characters', () => {
    expect(attachmentDisposition(`payouts-x"; filename="evil.sh.csv`)).toBe(
      `attachment; filename="payouts-x___filename__evil.sh.csv"; filename*=UTF-8''payouts-x%22%3B%20filename%3D%22evil.sh.csv`,
    );
    expect(attachmentDisposition("l'été (1)*.csv")).toBe(`attachment; filename="l__t___1__.csv"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%281%29%2A.csv`);
    expect(attachmentDisposition('a\ud800b.csv')).toBe(`attachment; filename="a_b.csv"; filename*=UTF-8''a%EF%BF%BDb.csv`);
  });

  it('always makes a header Node accepts, with exactly the two filename parameters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        const header = attachmentDisposition(name);
        expect(header).toMatch(/^[\x20-\x7e]+$/);
        expect(parameters(header)).toEqual(['filename', 'filename*']);
      }),
      { numRuns: 500 },
    );
  });
});
