import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPayment } from '../src/services/payments/record-payment.js';
import { createTestApp, type TestApp } from './app.js';
import { testDatabaseKind } from './database.js';
import { createPrincipals, type TestPrincipals } from './principals.js';

/**
 * Every route × every kind of caller (DESIGN.md §10, issue 4): the expected status for the
 * roles a route admits, 401 for anonymous callers and 403 for the others. The last test checks
 * that no route of /openapi.json is missing from this table.
 */
type Caller = keyof TestPrincipals['headers'];
const callers: Caller[] = ['anonymous', 'creator', 'otherCreator', 'admin', 'platform', 'cron'];

interface RouteCase {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** The route as /openapi.json names it. */
  route: string;
  url: (caller: Caller) => string;
  body?: () => unknown;
  /** Callers the route admits, and the status they get; 'all' for public routes. */
  allowed: Caller[] | 'all';
  status: number | ((caller: Caller) => number);
}

let t: TestApp;
let who: TestPrincipals;
let paymentId: string;
let counter = 0;
const unique = (prefix: string) => `${prefix}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { ENABLE_TEST_CLOCK: '1', STRIPE_WEBHOOK_SECRET: 'whsec_route_roles_test' } });
  who = await createPrincipals(t);
  const { payment } = await t.database.db.transaction((tx) =>
    recordPayment(tx, { creatorId: who.creator.creatorId, externalId: 'pi_roles', amount: 5000n, currency: 'eur', paidAt: t.clock.now(), actor: 'test' }, t),
  );
  paymentId = payment.id;
});
afterAll(async () => {
  await t?.close();
});

const fixed = (url: string) => () => url;
const everyAuthenticated: Caller[] = ['creator', 'otherCreator', 'admin', 'platform', 'cron'];

const cases: RouteCase[] = [
  { method: 'GET', route: '/healthz', url: fixed('/healthz'), allowed: 'all', status: 200 },
  { method: 'GET', route: '/readyz', url: fixed('/readyz'), allowed: 'all', status: 200 },
  { method: 'GET', route: '/metrics', url: fixed('/metrics'), allowed: 'all', status: 200 },
  ...['/api/webhooks/stripe', '/api/payments/webhook', '/api/webhooks/stripe-payouts', '/api/webhooks/stripe-subscription'].flatMap((path): RouteCase[] => [
    { method: 'GET', route: path, url: fixed(path), allowed: 'all', status: 200 },
    // Authenticated by Stripe's signature alone: no API key or session gets past a missing one.
    { method: 'POST', route: path, url: fixed(path), body: () => ({ id: 'evt_x', type: 'payment_intent.succeeded' }), allowed: 'all', status: 400 },
  ]),
  { method: 'GET', route: '/api/payouts/update-status', url: fixed('/api/payouts/update-status'), allowed: 'all', status: 200 }, // development only
  { method: 'GET', route: '/api/test/clock', url: fixed('/api/test/clock'), allowed: 'all', status: 200 }, // ENABLE_TEST_CLOCK only
  { method: 'POST', route: '/api/test/clock', url: fixed('/api/test/clock'), body: () => ({ advanceSeconds: 0 }), allowed: 'all', status: 200 },
  { method: 'POST', route: '/api/auth/logout', url: fixed('/api/auth/logout'), allowed: 'all', status: 204 },
  // Login ignores whatever credentials come with it and judges the password alone.
  { method: 'POST', route: '/api/auth/login', url: fixed('/api/auth/login'), body: () => ({ email: 'nobody@example.test', password: 'wrong-password' }), allowed: 'all', status: 401 },
  { method: 'GET', route: '/api/auth/me', url: fixed('/api/auth/me'), allowed: everyAuthenticated, status: 200 },
  { method: 'POST', route: '/api/auth/tokens', url: fixed('/api/auth/tokens'), body: () => ({ userId: who.creator.userId }), allowed: ['admin', 'platform'], status: 200 },
  // Users only: an admin API key has no profile (403 FORBIDDEN from the route itself).
  { method: 'PATCH', route: '/api/auth/me', url: fixed('/api/auth/me'), body: () => ({ locale: 'en' }), allowed: ['creator', 'otherCreator'], status: 200 },
  // Only a user token opens an embedded session: the admin's API key is refused as a credential (401).
  { method: 'POST', route: '/api/auth/embed-session', url: fixed('/api/auth/embed-session'), allowed: ['creator', 'otherCreator', 'admin'], status: (caller) => (caller === 'admin' ? 401 : 200) },
  { method: 'GET', route: '/api/creators/me', url: fixed('/api/creators/me'), allowed: ['creator', 'otherCreator'], status: 200 },
  // The test creators have no Stripe account yet: the first call makes one in the sandbox, each call a fresh link.
  { method: 'POST', route: '/api/creators/me/onboarding-link', url: fixed('/api/creators/me/onboarding-link'), allowed: ['creator', 'otherCreator'], status: 200 },
  { method: 'GET', route: '/api/admin/creators', url: fixed('/api/admin/creators?search=Creator&limit=5'), allowed: ['admin'], status: 200 },
  { method: 'GET', route: '/api/admin/creators/{id}', url: () => `/api/admin/creators/${who?.creator.creatorId ?? 'cr_…'}`, allowed: ['admin'], status: 200 },
  {
    method: 'POST',
    route: '/api/creators',
    url: fixed('/api/creators'),
    body: () => ({ email: `${unique('new')}@example.test`, name: 'New Creator' }),
    allowed: ['admin', 'platform'],
    status: 201,
  },
  {
    method: 'POST',
    route: '/api/payments',
    url: fixed('/api/payments'),
    body: () => ({ creatorId: who.creator.creatorId, externalId: unique('ext'), amount: 1000, currency: 'eur' }),
    allowed: ['admin', 'platform'],
    status: 201,
  },
  { method: 'GET', route: '/api/payments', url: fixed('/api/payments'), allowed: ['creator', 'otherCreator', 'admin'], status: 200 },
  {
    method: 'GET',
    route: '/api/payouts/request',
    url: (caller) => (caller === 'admin' ? `/api/payouts/request?creatorId=${who.creator.creatorId}` : '/api/payouts/request'),
    allowed: ['creator', 'otherCreator', 'admin'],
    status: 200,
  },
  // The test creators have no Stripe account: refused before anything is reserved.
  { method: 'POST', route: '/api/payouts/request', url: fixed('/api/payouts/request'), body: () => ({ amount: 1000 }), allowed: ['creator', 'otherCreator'], status: 400 },
  { method: 'GET', route: '/api/payouts', url: fixed('/api/payouts'), allowed: ['creator', 'otherCreator', 'admin'], status: 200 },
  { method: 'GET', route: '/api/payouts/export.csv', url: fixed('/api/payouts/export.csv'), allowed: ['creator', 'otherCreator', 'admin'], status: 200 },
  { method: 'GET', route: '/api/payouts/{id}', url: fixed('/api/payouts/po_unknown'), allowed: ['creator', 'otherCreator', 'admin'], status: 404 },
  {
    method: 'POST',
    route: '/api/checkout/sessions',
    url: fixed('/api/checkout/sessions'),
    body: () => ({ creatorId: who.creator.creatorId, bookingId: unique('bk'), amount: 7000, productName: 'Session', successUrl: 'https://host.example/ok', cancelUrl: 'https://host.example/cancel' }),
    allowed: ['platform'],
    status: 201,
  },
  { method: 'POST', route: '/api/checkout/sessions/{id}/booking-failed', url: fixed('/api/checkout/sessions/cs_unknown/booking-failed'), allowed: ['platform'], status: 404 },
  { method: 'PATCH', route: '/api/admin/payments/{id}', url: () => `/api/admin/payments/${paymentId}`, body: () => ({ disputeRequested: false }), allowed: ['admin'], status: 200 },
  // Refused before Stripe is called: the payment was not paid through Stripe / no such creator.
  { method: 'POST', route: '/api/admin/payments/{id}/refund', url: () => `/api/admin/payments/${paymentId}/refund`, body: () => ({ reason: 'roles test' }), allowed: ['admin'], status: 409 },
  { method: 'POST', route: '/api/admin/creators/{id}/clawback', url: fixed('/api/admin/creators/cr_unknown/clawback'), body: () => ({ reason: 'roles test' }), allowed: ['admin'], status: 404 },
  { method: 'GET', route: '/api/admin/webhooks', url: fixed('/api/admin/webhooks'), allowed: ['admin'], status: 200 },
  { method: 'GET', route: '/api/admin/webhooks/{id}', url: fixed('/api/admin/webhooks/evt_unknown'), allowed: ['admin'], status: 404 },
  { method: 'POST', route: '/api/admin/webhooks/{id}/retry', url: fixed('/api/admin/webhooks/evt_unknown/retry'), allowed: ['admin'], status: 404 },
  { method: 'GET', route: '/api/admin/payouts', url: fixed('/api/admin/payouts?status=PENDING_APPROVAL&from=2020-01-01'), allowed: ['admin'], status: 200 },
  { method: 'POST', route: '/api/admin/payouts', url: fixed('/api/admin/payouts'), body: () => ({ payoutId: 'po_unknown' }), allowed: ['admin'], status: 404 },
  { method: 'POST', route: '/api/admin/payouts/bulk', url: fixed('/api/admin/payouts/bulk'), body: () => ({ payoutIds: ['po_unknown'] }), allowed: ['admin'], status: 200 },
  { method: 'POST', route: '/api/admin/payout-approval', url: fixed('/api/admin/payout-approval'), body: () => ({ payoutId: 'po_unknown', action: 'approve' }), allowed: ['admin'], status: 404 },
  { method: 'GET', route: '/api/admin/audit', url: fixed('/api/admin/audit?subjectType=payment&limit=5'), allowed: ['admin'], status: 200 },
  { method: 'GET', route: '/api/admin/analytics', url: fixed('/api/admin/analytics?period=7&currency=eur'), allowed: ['admin'], status: 200 },
  { method: 'GET', route: '/api/admin/api-keys', url: fixed('/api/admin/api-keys'), allowed: ['admin'], status: 200 },
  { method: 'POST', route: '/api/admin/api-keys', url: fixed('/api/admin/api-keys'), body: () => ({ role: 'PLATFORM', name: unique('roles') }), allowed: ['admin'], status: 201 },
  { method: 'POST', route: '/api/admin/api-keys/{id}/revoke', url: fixed('/api/admin/api-keys/key_unknown/revoke'), allowed: ['admin'], status: 404 },
  // Notifications belong to users: an admin API key has none (403).
  ...(
    [
      ['GET', '/api/notifications', '/api/notifications', 200],
      ['POST', '/api/notifications/{id}/read', '/api/notifications/1/read', 404],
      ['POST', '/api/notifications/read-all', '/api/notifications/read-all', 200],
      ['GET', '/api/notifications/preferences', '/api/notifications/preferences', 200],
    ] as const
  ).map(([method, route, url, status]): RouteCase => ({ method, route, url: fixed(url), allowed: ['creator', 'otherCreator', 'admin'], status: (caller) => (caller === 'admin' ? 403 : status) })),
  {
    method: 'PUT',
    route: '/api/notifications/preferences',
    url: fixed('/api/notifications/preferences'),
    body: () => ({ preferences: [{ category: 'payments', email: true }] }),
    allowed: ['creator', 'otherCreator', 'admin'],
    status: (caller) => (caller === 'admin' ? 403 : 200),
  },
  // The signed token is the credential, whoever sends it.
  { method: 'POST', route: '/api/notifications/unsubscribe', url: fixed('/api/notifications/unsubscribe?token=forged'), allowed: 'all', status: 400 },
  { method: 'GET', route: '/api/admin/notifications/failed', url: fixed('/api/admin/notifications/failed'), allowed: ['admin'], status: 200 },
  { method: 'POST', route: '/api/admin/notifications/{id}/retry', url: fixed('/api/admin/notifications/999999999/retry'), allowed: ['admin'], status: 404 },
  { method: 'GET', route: '/api/admin/mailbox', url: fixed('/api/admin/mailbox'), allowed: ['admin'], status: 200 },
  { method: 'GET', route: '/api/admin/alerts', url: fixed('/api/admin/alerts?status=OPEN&severity=critical&limit=5'), allowed: ['admin'], status: 200 },
  { method: 'POST', route: '/api/admin/alerts/{id}/acknowledge', url: fixed('/api/admin/alerts/999999999/acknowledge'), allowed: ['admin'], status: 404 },
  { method: 'POST', route: '/api/admin/alerts/{id}/resolve', url: fixed('/api/admin/alerts/999999999/resolve'), body: () => ({ note: 'roles test' }), allowed: ['admin'], status: 404 },
  {
    method: 'POST',
    route: '/api/admin/alerts/{id}/snooze',
    url: fixed('/api/admin/alerts/999999999/snooze'),
    body: () => ({ until: new Date(t.clock.now().getTime() + 3_600_000).toISOString() }),
    allowed: ['admin'],
    status: 404,
  },
  { method: 'GET', route: '/api/admin/balance', url: fixed('/api/admin/balance?days=30'), allowed: ['admin'], status: 200 },
  { method: 'GET', route: '/api/admin/reconciliation/runs', url: fixed('/api/admin/reconciliation/runs?limit=5'), allowed: ['admin'], status: 200 },
  // A period that ends before it starts: 400 before anything runs.
  { method: 'POST', route: '/api/admin/reconciliation/runs', url: fixed('/api/admin/reconciliation/runs'), body: () => ({ since: '2026-03-02T00:00:00Z', until: '2026-03-01T00:00:00Z' }), allowed: ['admin'], status: 400 },
  { method: 'GET', route: '/api/admin/reconciliation/runs/{id}', url: fixed('/api/admin/reconciliation/runs/999999999'), allowed: ['admin'], status: 404 },
  { method: 'GET', route: '/api/admin/reconciliation/runs/{id}/items', url: fixed('/api/admin/reconciliation/runs/999999999/items?class=mismatched'), allowed: ['admin'], status: 404 },
  { method: 'POST', route: '/api/admin/reconciliation/items/{id}/accept', url: fixed('/api/admin/reconciliation/items/999999999/accept'), body: () => ({ note: 'roles test' }), allowed: ['admin'], status: 404 },
  { method: 'POST', route: '/api/cron/{job}', url: fixed('/api/cron/release-holds'), allowed: ['cron', 'admin'], status: 200 },
  { method: 'POST', route: '/api/payouts/update-status', url: fixed('/api/payouts/update-status'), allowed: ['cron', 'admin'], status: 200 },
];

describe(`who may call what, on ${testDatabaseKind}`, () => {
  const rows = cases.flatMap((c) => callers.map((caller) => [`${c.method} ${c.url('anonymous')} as ${caller}`, c, caller] as const));
  it.each(rows)('%s', async (_name, c, caller) => {
    const admitted = c.allowed === 'all' || c.allowed.includes(caller);
    const expected = admitted ? (typeof c.status === 'function' ? c.status(caller) : c.status) : caller === 'anonymous' ? 401 : 403;
    const reply = await t.app.inject({ method: c.method, url: c.url(caller), headers: who.headers[caller], ...(c.body ? { payload: c.body() as object } : {}) });
    expect({ status: reply.statusCode, body: reply.statusCode === expected ? undefined : reply.body.slice(0, 300) }).toEqual({ status: expected, body: undefined });
    if (!admitted) expect(reply.json().error.code).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  });

  it('covers every route the API documents', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    const covered = new Set(cases.map((c) => `${c.method} ${c.route}`));
    expect(documented.filter((route) => !covered.has(route))).toEqual([]);
  });
});
