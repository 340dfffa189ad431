import type { EventObject } from '../event-log.js';
import type { StripeRouter } from '../router.js';
import { filterByCreated, paginate } from '../wire/list.js';
import { optionalString, optionalStringArray } from '../wire/params.js';

/** `GET /v1/events` (filters `type` with `*` wildcards, `types[]`, `created`) and `GET /v1/events/:id`, per account. */
export function registerEventRoutes(router: StripeRouter): void {
  router.get('/v1/events', ({ sandbox, params, account }) => {
    const type = optionalString(params, 'type');
    const types = optionalStringArray(params, 'types');
    const pattern = type ? new RegExp(`^${type.split('*').map(escapeRegExp).join('[^.]*')}$`) : undefined;
    const events = sandbox.store.list<EventObject>('event', account, (event) => (!pattern || pattern.test(event.type)) && (!types || types.includes(event.type)));
    return paginate(filterByCreated(events, params), params, '/v1/events');
  });
  router.get('/v1/events/:id', ({ sandbox, path, account }) => sandbox.store.get<EventObject>('event', path.id ?? '', account));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
