import type { ObjectStore } from '../state.js';
import type { FormParams } from './form-body.js';
import { optionalStringArray } from './params.js';
import { invalidRequest } from './stripe-error.js';

interface ExpansionTree {
  [field: string]: ExpansionTree;
}

/** Stripe refuses expansions more than four levels deep. */
const MAX_DEPTH = 4;

/**
 * Applies `expand[]` to a response: each dotted path (`latest_charge.balance_transaction`,
 * `data.destination` for lists) replaces an id with the object it names, or includes a field
 * Stripe only returns on request (`line_items`). Unknown paths get Stripe's 400.
 *
 * @example
 * expandResponse(transfer, { expand: ['balance_transaction'] }, store);
 */
export function expandResponse(value: unknown, params: FormParams, store: ObjectStore): unknown {
  const paths = optionalStringArray(params, 'expand') ?? [];
  if (paths.length === 0) return value;
  const tree: ExpansionTree = {};
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`, { param: 'expand' });
    }
    let node = tree;
    for (const part of parts) node = node[part] ??= {};
  }
  return expandNode(value, tree, store, '');
}

function expandNode(value: unknown, tree: ExpansionTree, store: ObjectStore, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((item) => expandNode(item, tree, store, prefix));
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const ownerId = typeof object.id === 'string' ? object.id : undefined;
  for (const [field, subtree] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${field}` : field;
    let current = object[field];
    if (current === undefined && ownerId !== undefined) {
      const includable = store.includableFields(ownerId);
      if (field in includable) current = structuredClone(includable[field]);
    }
    if (typeof current === 'string') {
      const target = store.find(current);
      // An id whose object was deleted (`DELETE /_sandbox/objects/:id`, a lost object) stays an id.
      if (!target && store.wasDeleted(current)) continue;
      if (!target) throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
      current = structuredClone(target);
    } else if (current === undefined) {
      throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
    }
    object[field] = expandNode(current, subtree, store, path);
  }
  return object;
}
