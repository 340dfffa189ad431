import type { StripeObject } from '../state.js';
import type { FormParams } from './form-body.js';
import { optionalInteger, optionalObject, optionalString } from './params.js';
import { invalidRequest, resourceMissing } from './stripe-error.js';

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * Stripe cursor pagination over objects sorted newest first: `limit` (1–100, default 10),
 * `starting_after` (the page after this id) or `ending_before` (the page before it).
 *
 * @example
 * paginate(transfers, { limit: '2', starting_after: 'tr_1' }, '/v1/transfers');
 */
export function paginate<T extends StripeObject>(items: readonly T[], params: FormParams, url: string): ListObject<T> {
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('Invalid limit: must be between 1 and 100', { param: 'limit', code: 'parameter_invalid_integer' });
  }
  const startingAfter = optionalString(params, 'starting_after');
  const endingBefore = optionalString(params, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', { param: 'ending_before' });
  }
  if (startingAfter) {
    const index = items.findIndex((item) => item.id === startingAfter);
    if (index < 0) throw resourceMissing(objectName(items), startingAfter, 'starting_after');
    const rest = items.slice(index + 1);
    return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  if (endingBefore) {
    const index = items.findIndex((item) => item.id === endingBefore);
    if (index < 0) throw resourceMissing(objectName(items), endingBefore, 'ending_before');
    const before = items.slice(0, index);
    return { object: 'list', data: before.slice(Math.max(0, before.length - limit)), has_more: before.length > limit, url };
  }
  return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
}

/** Stripe's `created` filter: `created=123` or `created[gte]=…&created[lt]=…`. */
export function filterByCreated<T extends StripeObject>(items: readonly T[], params: FormParams, field = 'created'): T[] {
  if (params[field] === undefined) return [...items];
  const exact = typeof params[field] === 'string' ? optionalInteger(params, field) : undefined;
  if (exact !== undefined) return items.filter((item) => item[field] === exact);
  const range = optionalObject(params, field) ?? {};
  const bounds = {
    gt: optionalInteger(range, 'gt', { label: `${field}[gt]` }),
    gte: optionalInteger(range, 'gte', { label: `${field}[gte]` }),
    lt: optionalInteger(range, 'lt', { label: `${field}[lt]` }),
    lte: optionalInteger(range, 'lte', { label: `${field}[lte]` }),
  };
  return items.filter((item) => {
    const value = item[field];
    if (typeof value !== 'number') return false;
    if (bounds.gt !== undefined && !(value > bounds.gt)) return false;
    if (bounds.gte !== undefined && !(value >= bounds.gte)) return false;
    if (bounds.lt !== undefined && !(value < bounds.lt)) return false;
    if (bounds.lte !== undefined && !(value <= bounds.lte)) return false;
    return true;
  });
}

/** A list object embedded inside another object (e.g. `transfer.reversals`). */
export function embeddedList<T>(data: T[], url: string): ListObject<T> & { total_count: number } {
  return { object: 'list', data: data.slice(0, 10), has_more: data.length > 10, total_count: data.length, url };
}

function objectName(items: readonly StripeObject[]): string {
  return items[0]?.object ?? 'object';
}
