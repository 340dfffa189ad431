import { AppError } from '../../domain/errors/index.js';

/**
 * Opaque cursors for keyset pagination: the sort key of a page's last row (and what the list was
 * sorted by), base64url JSON. A cursor is only valid for the list and sort that returned it.
 *
 * @example
 * const cursor = encodeCursor('created_desc', [row.createdAt.toISOString(), row.id]);
 * const [at, id] = decodeCursor(cursor, 'created_desc', 2);
 */
export function encodeCursor(sort: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([sort, ...key])).toString('base64url');
}

/** @throws AppError INVALID_CURSOR (400) when the cursor is not one this list returned for this sort */
export function decodeCursor(cursor: string, sort: string, arity: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === arity + 1 && parsed[0] === sort && parsed.every((part) => typeof part === 'string')) return parsed.slice(1) as string[];
  throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned (with this sort order)', { kind: 'invalid', details: { param: 'cursor' } });
}

/** A timestamp key part of a decoded cursor. @throws AppError INVALID_CURSOR */
export function cursorDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned', { kind: 'invalid', details: { param: 'cursor' } });
  return date;
}

