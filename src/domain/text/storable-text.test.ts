import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/index.js';
import { assertStorableText, findUnstorableText, unstorableReason } from './storable-text.js';

describe('unstorableReason', () => {
  it.each([
    ['a\u0000b', 'nul'],
    ['\u0000', 'nul'],
    ['\ud800', 'lone_surrogate'],
    ['x\udbff', 'lone_surrogate'],
    ['\udc00x', 'lone_surrogate'],
    ['\ude00\ud83d', 'lone_surrogate'],
    ['😀\ud83d', 'lone_surrogate'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(unstorableReason(text)).toBe(reason);
  });

  it.each(['', 'plain', 'Zoë', '😀🛍️', '\u202e', '\u0001\u001f', 'ﷺ', '%00', '\\u0000'])('accepts %j', (text) => {
    expect(unstorableReason(text)).toBeUndefined();
  });

  it('accepts every well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => unstorableReason(text.replaceAll('\u0000', '')) === undefined), { numRuns: 500 });
  });
});

describe('findUnstorableText', () => {
  it('finds values and keys at any depth, in arrays and null-prototype objects, and says where', () => {
    expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ path: ['a', '1', 'c'], reason: 'nul' });
    expect(findUnstorableText({ meta: { 'k\ud800': 'v' } })).toEqual({ path: ['meta', 'k\ud800'], reason: 'lone_surrogate' });
    expect(findUnstorableText(Object.assign(Object.create(null) as object, { q: '\u0000' }))).toEqual({ path: ['q'], reason: 'nul' });
    expect(findUnstorableText('\u0000')).toEqual({ path: [], reason: 'nul' });
  });

  it('reports the first in document order', () => {
    expect(findUnstorableText({ first: '\ud800', second: '\u0000' })?.path).toEqual(['first']);
  });

  it('does not look into Buffers, numbers or other non-text values, and survives deep nesting', () => {
    expect(findUnstorableText({ raw: Buffer.from([0, 0xed, 0xa0, 0x80]), n: 0, b: false, none: null, at: new Date(0) })).toBeUndefined();
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)?.reason).toBe('nul');
  });
});

describe('assertStorableText', () => {
  it('throws INVALID_TEXT (kind invalid) naming the place, with the key escaped, never the text itself', () => {
    try {
      assertStorableText({ metadata: { 'k\u0000ey': 'v' } }, 'body');
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.kind).toBe('invalid');
      expect(error).toMatchObject({
        code: 'INVALID_TEXT',
        message: 'Invalid body: metadata.k\\u0000ey contains a NUL character (\\u0000), which text cannot hold.',
        details: { reason: 'nul', issues: [{ in: 'body', param: 'metadata.k\\u0000ey' }] },
      });
      expect((error as Error).message).not.toContain('\u0000');
    }
  });

  it('lets storable values through', () => {
    expect(() => assertStorableText({ name: 'Zoë 😀', n: [1, 2, { ok: true }] }, 'body')).not.toThrow();
    expect(() => assertStorableText(undefined, 'query')).not.toThrow();
  });
});

describe('assertStorableText on a deep path', () => {
  it('names its first and last levels only', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 40; i++) deep = { [`k${i}`]: deep };
    expect(() => assertStorableText(deep, 'body')).toThrow('Invalid body: k39.k38.k37.k36.k35.k34.k33.k32.….k7.k6.k5.k4.k3.k2.k1.k0 contains a NUL character');
  });
});
