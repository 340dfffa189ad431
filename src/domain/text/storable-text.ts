import { AppError } from '../errors/index.js';

/**
 * Text PostgreSQL can store (docs/security.md "Text"): `text` columns refuse the NUL character
 * (`\u0000`), and `jsonb` refuses it and unpaired UTF-16 surrogates (`\ud800` alone) — which no
 * UTF-8 encoder can write either (Stripe's form encoding throws on them). Input holding either
 * is refused as a whole, before anything reads it, rather than cleaned: a changed id or amount
 * text would silently name something else.
 */
export type UnstorableReason = 'nul' | 'lone_surrogate';

export interface UnstorableText {
  /** Where in the value: object keys and array indexes from the root, e.g. `['metadata', 'note']`. */
  path: string[];
  reason: UnstorableReason;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): UnstorableReason | undefined {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return undefined;
}

/**
 * Objects whose own keys are data: plain and null-prototype objects, and those of parsers that
 * use a bare prototype of their own (Fastify's query string parser) — not Buffers, Dates, Maps….
 */
function isRecord(value: object): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/**
 * The first string in `value` (itself, or any key or string inside its plain objects and
 * arrays, at any depth) that PostgreSQL cannot store; undefined when there is none. Buffers,
 * Dates and other built-in objects are not looked into: they are not text.
 *
 * @example
 * findUnstorableText({ metadata: { note: 'a\u0000b' } }); // { path: ['metadata', 'note'], reason: 'nul' }
 * findUnstorableText({ name: 'Zoë 🎉' });                  // undefined
 */
export function findUnstorableText(value: unknown): UnstorableText | undefined {
  // Depth-first with an explicit stack, each entry linked to its parent: a deeply nested body can
  // neither overflow the call stack nor cost more than one step per value (the path is built once, when found).
  interface Step {
    value: unknown;
    key: string | undefined;
    parent: Step | undefined;
  }
  const pathOf = (step: Step | undefined, last?: string): string[] => {
    const path = last === undefined ? [] : [last];
    for (let at = step; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Step[] = [{ value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const current = step.value;
    if (typeof current === 'string') {
      const reason = unstorableReason(current);
      if (reason) return { path: pathOf(step), reason };
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], key: String(index), parent: step });
    } else if (typeof current === 'object' && current !== null && isRecord(current)) {
      const keys = Object.keys(current);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!;
        const reason = unstorableReason(key);
        if (reason) return { path: pathOf(step, key), reason };
        stack.push({ value: current[key], key, parent: step });
      }
    }
  }
  return undefined;
}

/** A key as it may be shown: NUL and lone surrogates written as `\uXXXX` escapes. */
function escapeUnstorable(text: string): string {
  const escape = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return text.replaceAll('\u0000', escape).replace(LONE_SURROGATES, escape);
}

/** The most path segments a message names (deeper paths keep their first and last 8). */
const MAX_PATH_SHOWN = 16;

const REASON_MESSAGES: Readonly<Record<UnstorableReason, string>> = {
  nul: 'contains a NUL character (\\u0000), which text cannot hold',
  lone_surrogate: 'contains an unpaired UTF-16 surrogate (e.g. \\ud800 alone), which is not valid Unicode',
};

/**
 * Refuse a value holding text PostgreSQL cannot store, with `INVALID_TEXT` (kind `invalid`:
 * 400), naming where (`in`: body, query, params…; `param`: the dotted path) in the shape of a
 * validation error's `details.issues`. The offending text itself is never echoed.
 *
 * @throws AppError INVALID_TEXT
 * @example
 * assertStorableText(request.body, 'body'); // throws for {"name": "A\u0000"}: "Invalid body: name contains a NUL character …"
 */
export function assertStorableText(value: unknown, location: string): void {
  const found = findUnstorableText(value);
  if (!found) return;
  const segments = found.path.map(escapeUnstorable);
  // A path hundreds of levels deep is shortened: its start and its end say where to look.
  const shown = segments.length > MAX_PATH_SHOWN ? [...segments.slice(0, MAX_PATH_SHOWN / 2), '…', ...segments.slice(-MAX_PATH_SHOWN / 2)] : segments;
  const param = shown.join('.');
  const message = REASON_MESSAGES[found.reason];
  throw new AppError('INVALID_TEXT', `Invalid ${location}: ${param ? `${param} ${message}` : `it ${message}`}.`, {
    kind: 'invalid',
    details: { reason: found.reason, issues: [{ in: location, param, message }] },
  });
}
