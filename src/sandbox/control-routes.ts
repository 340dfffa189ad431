import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isAdvanceableClock, unixSeconds } from './clock.js';
import type { SandboxContext } from './context.js';
import type { EventObject } from './event-log.js';
import { failureRuleSchema, rateLimitSchema } from './controls.js';
import { processDueChanges } from './lifecycle.js';
import type { AccountLinkRecord } from './resources/account-links.js';
import { completeOnboarding, type AccountObject } from './resources/accounts.js';
import { findCheckoutSession, payCheckoutSession } from './resources/checkout-sessions.js';
import { advanceSandboxTime } from './resources/test-clocks.js';
import { StripeApiError } from './wire/stripe-error.js';

const webhookOptionsSchema = z
  .object({
    maxAttempts: z.coerce.number().int().min(1),
    initialRetryDelayMs: z.coerce.number().int().min(0),
    maxRetryDelayMs: z.coerce.number().int().min(0),
    timeoutMs: z.coerce.number().int().min(1),
    duplicateRate: z.coerce.number().min(0).max(1),
    outOfOrder: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]),
    reorderWindowMs: z.coerce.number().int().min(0),
    dropRate: z.coerce.number().min(0).max(1),
    maxDelayMs: z.coerce.number().int().min(0),
  })
  .partial()
  .strict();

/** Fields a test may overwrite on a stored object (`POST /_sandbox/objects/:id`). */
const tamperSchema = z.strictObject({ amount: z.coerce.number().int().min(0), status: z.string().min(1).max(40), currency: z.string().length(3) }).partial();

/**
 * Sandbox-only endpoints under `/_sandbox/…` (no API key): clock, failure injection, rate
 * limit, webhook delivery behaviour, reset, and the pages that stand in for Stripe-hosted
 * ones (onboarding, Checkout, Express dashboard). Bodies may be JSON or form-encoded.
 */
export function registerControlRoutes(app: FastifyInstance, sandbox: SandboxContext, reset: (options: { keepWebhookEndpoints: boolean }) => void): void {
  app.get('/_sandbox/health', async () => ({ ok: true, url: sandbox.baseUrl, platform_account: sandbox.platformAccountId, now: unixSeconds(sandbox.clock) }));

  app.get('/_sandbox/clock', async () => clockState(sandbox));
  app.post('/_sandbox/clock/advance', async (request) => {
    const { seconds } = z.object({ seconds: z.coerce.number().min(0) }).parse(request.body ?? {});
    advanceSandboxTime(sandbox, seconds);
    return clockState(sandbox);
  });

  app.get('/_sandbox/failures', async () => ({ data: sandbox.controls.failures() }));
  app.post('/_sandbox/failures', async (request, reply) => reply.code(201).send(sandbox.controls.addFailure(failureRuleSchema.parse(request.body ?? {}))));
  app.delete('/_sandbox/failures', async () => {
    sandbox.controls.clearFailures();
    return { data: [] };
  });
  app.delete<{ Params: { id: string } }>('/_sandbox/failures/:id', async (request, reply) =>
    sandbox.controls.removeFailure(request.params.id) ? { id: request.params.id, deleted: true } : reply.code(404).send({ error: { type: 'invalid_request_error', message: 'No such failure rule' } }),
  );

  app.get('/_sandbox/rate-limit', async () => sandbox.controls.rateLimit());
  app.post('/_sandbox/rate-limit', async (request) => sandbox.controls.setRateLimit(rateLimitSchema.parse(request.body ?? {})));

  app.get('/_sandbox/webhooks', async () => sandbox.webhooks.currentOptions());
  app.post('/_sandbox/webhooks', async (request) => sandbox.webhooks.configure(webhookOptionsSchema.parse(request.body ?? {})));
  app.get('/_sandbox/webhooks/deliveries', async () => ({ data: sandbox.webhooks.attempts() }));

  app.post<{ Params: { id: string } }>('/_sandbox/events/:id/redeliver', async (request, reply) => {
    const event = sandbox.store.find(request.params.id);
    if (!event || event.object !== 'event') return reply.code(404).send({ error: { type: 'invalid_request_error', message: `No such event: '${request.params.id}'` } });
    sandbox.webhooks.enqueue(event as EventObject);
    return { id: event.id, pending_webhooks: (event as EventObject).pending_webhooks };
  });

  app.post('/_sandbox/reset', async (request) => {
    const { keepWebhookEndpoints } = z.object({ keepWebhookEndpoints: z.coerce.boolean().default(false) }).parse(request.body ?? {});
    reset({ keepWebhookEndpoints });
    return { ok: true, platform_account: sandbox.platformAccountId };
  });

  // Tampering, for reconciliation tests (docs/reconciliation.md): Stripe's side changed behind the
  // service's back — an amount or status edited, an object lost. No event is sent: the point is
  // that only a comparison with Stripe can find it.
  app.post<{ Params: { id: string } }>('/_sandbox/objects/:id', async (request, reply) => {
    const object = sandbox.store.find(request.params.id);
    if (!object) return reply.code(404).send({ error: { type: 'invalid_request_error', message: `No such object: '${request.params.id}'` } });
    const changes = tamperSchema.parse(request.body ?? {});
    Object.assign(object, changes);
    return object;
  });

  app.delete<{ Params: { id: string } }>('/_sandbox/objects/:id', async (request, reply) => {
    if (!sandbox.store.find(request.params.id)) return reply.code(404).send({ error: { type: 'invalid_request_error', message: `No such object: '${request.params.id}'` } });
    sandbox.store.delete(request.params.id);
    return { id: request.params.id, deleted: true };
  });

  app.post<{ Params: { id: string } }>('/_sandbox/accounts/:id/onboard', async (request) => completeOnboarding(sandbox, connectedAccount(sandbox, request.params.id)));

  app.get<{ Params: { token: string } }>('/_sandbox/onboarding/:token', async (request, reply) => {
    const link = sandbox.store.find(request.params.token) as AccountLinkRecord | undefined;
    if (!link || link.object !== 'sandbox.account_link') return reply.code(404).type('text/html').send(page('Link not found', '<p>This onboarding link does not exist.</p>'));
    if (link.expires_at < unixSeconds(sandbox.clock)) return redirectOrPage(reply, link.refresh_url, 'Link expired', '<p>This onboarding link has expired.</p>');
    const account = connectedAccount(sandbox, link.account);
    if (!account.details_submitted) completeOnboarding(sandbox, account);
    sandbox.store.delete(link.id); // account links are single-use
    return redirectOrPage(reply, link.return_url, 'Onboarding complete', `<p>Account <code>${account.id}</code> is onboarded.</p>`);
  });

  app.get<{ Params: { id: string } }>('/_sandbox/express/:id', async (request, reply) => {
    const account = connectedAccount(sandbox, request.params.id);
    return reply.type('text/html').send(page('Express dashboard', `<p>Sandbox Express dashboard of <code>${account.id}</code>.</p>`));
  });

  app.get<{ Params: { id: string } }>('/_sandbox/checkout/:id', async (request, reply) => {
    processDueChanges(sandbox);
    const session = findCheckoutSession(sandbox, request.params.id, null);
    const amount = `${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
    const body =
      session.status === 'open'
        ? `<p>Pay <strong>${amount}</strong></p><form method="post" action="/_sandbox/checkout/${session.id}/pay">
<select name="payment_method"><option>pm_card_visa</option><option>pm_card_bypassPending</option><option>pm_card_chargeDeclined</option><option>pm_card_createDispute</option><option>pm_card_createDisputeInquiry</option></select>
<button type="submit">Pay</button></form>`
        : `<p>This session is ${session.status}.</p>`;
    return reply.type('text/html').send(page('Sandbox Checkout', body));
  });
  app.post<{ Params: { id: string } }>('/_sandbox/checkout/:id/pay', async (request, reply) => {
    processDueChanges(sandbox);
    const { payment_method } = z.object({ payment_method: z.string().default('pm_card_visa') }).parse(request.body ?? {});
    const session = findCheckoutSession(sandbox, request.params.id, null);
    const account = sandbox.store.ownerOf(session.id) ?? sandbox.platformAccountId;
    const fromBrowser = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    try {
      const paid = payCheckoutSession(sandbox, account, session, payment_method);
      if (fromBrowser && typeof paid.success_url === 'string') return reply.redirect(paid.success_url.replace('{CHECKOUT_SESSION_ID}', paid.id), 303);
      return paid;
    } catch (error) {
      if (fromBrowser && error instanceof StripeApiError) return reply.code(error.statusCode).type('text/html').send(page('Payment failed', `<p>${escapeHtml(error.message)}</p>`));
      throw error;
    }
  });
}

function clockState(sandbox: SandboxContext): { now: number; iso: string; advanceable: boolean } {
  const now = sandbox.clock.now();
  return { now: Math.floor(now / 1000), iso: new Date(now).toISOString(), advanceable: isAdvanceableClock(sandbox.clock) };
}

function connectedAccount(sandbox: SandboxContext, id: string): AccountObject {
  return sandbox.store.get<AccountObject>('account', id, sandbox.platformAccountId, { label: 'account', param: 'account' });
}

function redirectOrPage(reply: FastifyReply, url: string, title: string, body: string): FastifyReply {
  if (/^https?:\/\//.test(url)) return reply.redirect(url, 302);
  return reply.type('text/html').send(page(title, body));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}
