import { AsyncLocalStorage } from 'node:async_hooks';
import { unixSeconds } from './clock.js';
import { SANDBOX_API_VERSION, type SandboxContext } from './context.js';
import { generateId } from './ids.js';
import { snapshot, type ApiObject, type StripeObject } from './state.js';

/** The API request that caused an event (Stripe's `event.request`). */
export interface EventOrigin {
  id: string | null;
  idempotency_key: string | null;
}

/** Set by the request pipeline so events know which request caused them. */
export const requestOrigin = new AsyncLocalStorage<EventOrigin>();

export interface EventObject extends StripeObject {
  object: 'event';
  account?: string;
  api_version: string;
  created: number;
  data: { object: ApiObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: EventOrigin;
  type: string;
}

/**
 * Records the event Stripe would emit for a state change and hands it to webhook delivery.
 * `account` is the account the object lives on; events of connected accounts carry it as the
 * top-level `account` field, as Connect events do.
 *
 * @example
 * emitEvent(sandbox, { type: 'transfer.created', account: sandbox.platformAccountId, object: transfer });
 */
export function emitEvent(
  sandbox: SandboxContext,
  input: { type: string; account: string; object: ApiObject; previousAttributes?: Record<string, unknown> },
): EventObject {
  const event: EventObject = {
    id: generateId('evt'),
    object: 'event',
    ...(input.account !== sandbox.platformAccountId ? { account: input.account } : {}),
    api_version: SANDBOX_API_VERSION,
    created: unixSeconds(sandbox.clock),
    data: {
      object: snapshot(input.object),
      ...(input.previousAttributes ? { previous_attributes: snapshot(input.previousAttributes) } : {}),
    },
    livemode: false,
    pending_webhooks: 0,
    request: requestOrigin.getStore() ?? { id: null, idempotency_key: null },
    type: input.type,
  };
  sandbox.store.insert(input.account, event);
  sandbox.webhooks.enqueue(event);
  return event;
}
