import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import type { WebhookEndpointObject } from '../webhooks/delivery.js';
import { filterByCreated, paginate } from '../wire/list.js';
import { applyMetadata, optionalBoolean, optionalNullableString, optionalString, optionalStringArray, requiredString } from '../wire/params.js';
import { invalidRequest, parameterMissing } from '../wire/stripe-error.js';

/**
 * Registers a webhook endpoint and returns it with its signing `secret` (a fresh `whsec_…`
 * unless one is given — only possible in code, e.g. to match a configured
 * `STRIPE_WEBHOOK_SECRET` when the sandbox runs in-process).
 */
export function createWebhookEndpoint(
  sandbox: SandboxContext,
  account: string,
  input: { url: string; enabledEvents: string[]; connect?: boolean; description?: string | null; apiVersion?: string | null; metadata?: Record<string, string>; secret?: string },
): WebhookEndpointObject & { secret: string } {
  const secret = input.secret ?? generateId('whsec', 32);
  const endpoint: WebhookEndpointObject = {
    id: generateId('we'),
    object: 'webhook_endpoint',
    api_version: input.apiVersion ?? null,
    application: null,
    connect: input.connect ?? false,
    created: unixSeconds(sandbox.clock),
    description: input.description ?? null,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: input.metadata ?? {},
    status: 'enabled',
    url: validUrl(input.url),
  };
  sandbox.store.insert(account, endpoint, { secret });
  return { ...endpoint, secret };
}

/**
 * Webhook endpoints. The signing `secret` is returned on create only, as in Stripe.
 * `connect: true` endpoints receive the events of the platform's connected accounts; the
 * others receive the events of the account that created them.
 */
export function registerWebhookEndpointRoutes(router: StripeRouter): void {
  router.post('/v1/webhook_endpoints', ({ sandbox, params, account }) => {
    const enabledEvents = optionalStringArray(params, 'enabled_events');
    if (!enabledEvents || enabledEvents.length === 0) throw parameterMissing('enabled_events');
    return createWebhookEndpoint(sandbox, account, {
      url: requiredString(params, 'url'),
      enabledEvents,
      connect: optionalBoolean(params, 'connect') ?? false,
      description: optionalString(params, 'description') ?? null,
      apiVersion: optionalString(params, 'api_version') ?? null,
      metadata: applyMetadata(params),
    });
  });
  router.get('/v1/webhook_endpoints', ({ sandbox, params, account }) =>
    paginate(filterByCreated(sandbox.store.list<WebhookEndpointObject>('webhook_endpoint', account), params), params, '/v1/webhook_endpoints'),
  );
  router.get('/v1/webhook_endpoints/:id', ({ sandbox, path, account }) => sandbox.store.get<WebhookEndpointObject>('webhook_endpoint', path.id ?? '', account));
  router.post('/v1/webhook_endpoints/:id', ({ sandbox, path, params, account }) => {
    const endpoint = sandbox.store.get<WebhookEndpointObject>('webhook_endpoint', path.id ?? '', account);
    const url = optionalString(params, 'url');
    if (url !== undefined) endpoint.url = validUrl(url);
    const enabledEvents = optionalStringArray(params, 'enabled_events');
    if (enabledEvents) endpoint.enabled_events = enabledEvents;
    const disabled = optionalBoolean(params, 'disabled');
    if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
    const description = optionalNullableString(params, 'description');
    if (description !== undefined) endpoint.description = description;
    endpoint.metadata = applyMetadata(params, endpoint.metadata as Record<string, string>);
    return endpoint;
  });
  router.delete('/v1/webhook_endpoints/:id', ({ sandbox, path, account }) => {
    const endpoint = sandbox.store.get<WebhookEndpointObject>('webhook_endpoint', path.id ?? '', account);
    sandbox.store.delete(endpoint.id);
    return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
  });
}

function validUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    return url;
  } catch {
    throw invalidRequest(`Invalid URL: ${url}`, { param: 'url', code: 'url_invalid' });
  }
}
