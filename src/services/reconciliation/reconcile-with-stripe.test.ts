import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { payoutSagaFixtures } from '../../../test/payout-saga-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { alerts, outboxMessages, payments, reconciliationItems } from '../../db/schema/index.js';
import { waitFor } from '../../providers/clock/index.js';
import type { ServiceContext } from '../context.js';
import { processPayout } from '../payouts/process-payout.js';
import { reconcileWithStripe, type ReconciliationItem } from './reconcile-with-stripe.js';

let t: TestApp;
let context: ServiceContext;
let principals: TestPrincipals;
const f = payoutSagaFixtures(() => t);
const admin = 'user:usr_reconcile_admin';
const customer = () => f.stripeClient();

async function itemsOf(runId: bigint): Promise<ReconciliationItem[]> {
  return t.database.db.select().from(reconciliationItems).where(eq(reconciliationItems.runId, runId));
}

/** A payout processed through the saga: PAID (manual mode) or PROCESSING with a bank payout in transit (automatic mode). */
async function processedPayout(mode: 'manual' | 'automatic' = 'manual', payments: bigint[] = [10_000n]) {
  const { creatorId, stripeAccountId } = await f.connectedCreator({ payoutMode: mode });
  const payout = await f.pendingPayout(creatorId, { payments });
  const result = await processPayout(t.database.db, { payoutId: payout.id, actor: admin }, context);
  return { creatorId, stripeAccountId: stripeAccountId!, payout: await f.payout(payout.id), transferId: result.transferId! };
}

/** A customer's card payment for a creator, recorded here from its webhook. */
async function webhookPayment(creatorId: string, amount: bigint) {
  const intent = await t.stripe.payWithTestCard({ bookingId: `bk_${Math.random().toString(36).slice(2, 10)}`, creatorId, amount, currency: 'eur', description: 'Session' });
  return waitFor(`payment ${intent.id} recorded`, async () => (await t.database.db.select().from(payments).where(eq(payments.stripePaymentIntentId, intent.id)))[0]);
}

beforeAll(async () => {
  t = await createTestApp({ listen: true, env: { PAYOUT_STALE_MINUTES: '60' } });
  context = { config: t.config, clock: t.clock, stripe: t.stripe };
  principals = await createPrincipals(t);
  await f.fundPlatform();
  // The funding charge is the test's, not the service's: periods start after it.
  t.clock.advance(3600);
});

afterAll(async () => {
  await t?.close();
});

describe(`reconciliation with Stripe on ${testDatabaseKind}, against the sandbox`, () => {
  let cleanEnd: Date;
  const made: { manual: Awaited<ReturnType<typeof processedPayout>>[]; automatic: Awaited<ReturnType<typeof processedPayout>> | undefined } = { manual: [], automatic: undefined };

  it('a clean history yields only matched and expected items: transfers, bank payouts in transit, charges', async () => {
    const since = t.clock.now();
    made.manual.push(await processedPayout('manual', [10_000n]), await processedPayout('manual', [7_000n, 7_000n]));
    made.automatic = await processedPayout('automatic', [5_000n]);
    expect(made.automatic.payout).toMatchObject({ status: 'PROCESSING', awaitsBankPayout: true });
    const payment = await webhookPayment(made.manual[0]!.creatorId, 4_500n);
    t.clock.advance(60);
    cleanEnd = t.clock.now();

    const run = await reconcileWithStripe(t.database.db, context, { since, until: cleanEnd, actor: 'test' });
    const items = await itemsOf(run.id);
    expect(run).toMatchObject({ status: 'completed', counts: { mismatched: 0, missing_here: 0, missing_at_stripe: 0 }, alertsOpened: 0 });
    expect(items.filter((i) => !['matched', 'expected'].includes(i.class)).map((i) => i.summary)).toEqual([]);
    for (const { payout, transferId } of made.manual) {
      expect(items).toContainEqual(expect.objectContaining({ kind: 'transfer', class: 'matched', stripeId: transferId, localId: payout.id, matchedBy: 'id', stripeAmount: payout.amount, localAmount: payout.amount }));
    }
    expect(items).toContainEqual(expect.objectContaining({ kind: 'transfer', class: 'matched', stripeId: made.automatic.transferId, localId: made.automatic.payout.id }));
    expect(items).toContainEqual(expect.objectContaining({ kind: 'bank_payout', class: 'expected', stripeId: made.automatic.payout.stripeBankPayoutId, localId: made.automatic.payout.id }));
    expect(items).toContainEqual(expect.objectContaining({ kind: 'charge', class: 'matched', localType: 'payment', localId: payment.id, stripeAmount: 4_500n }));
    expect(run.stripeRequests).toBeGreaterThanOrEqual(3); // transfers, one bank-payout account, balance transactions
    expect(run.stripeObjects).toBeGreaterThanOrEqual(items.length);
  });

  it('finds every injected difference, in its class, and opens one alert each', async () => {
    const since = cleanEnd;
    const [first, second] = await Promise.all([processedPayout('manual'), processedPayout('manual')]);
    const automatic = await processedPayout('automatic');
    const lost = await processedPayout('manual');
    // 1. A transfer made by hand in the Stripe dashboard.
    const byHand = await customer().transfers.create({ amount: 4_200, currency: 'eur', destination: first!.stripeAccountId });
    // 2. A reversal the service did not make (part of the first payout's transfer).
    const reversal = await customer().transfers.createReversal(first!.transferId, { amount: 300 });
    // 3. An amount changed at Stripe behind the service's back.
    await t.testSandbox!.control('POST', `/_sandbox/objects/${second!.transferId}`, { amount: Number(second!.payout.amount) + 1 });
    // 4. A bank payout and a transfer the sandbox lost.
    await t.testSandbox!.control('DELETE', `/_sandbox/objects/${automatic.payout.stripeBankPayoutId}`);
    await t.testSandbox!.control('DELETE', `/_sandbox/objects/${lost.transferId}`);
    t.clock.advance(60);

    const run = await reconcileWithStripe(t.database.db, context, { since, until: t.clock.now(), actor: 'test' });
    const items = await itemsOf(run.id);
    const find = (stripeId: string | null | undefined) => items.filter((item) => item.stripeId === stripeId).map((item) => ({ kind: item.kind, class: item.class, differences: item.differences }));
    expect(find(byHand.id)).toEqual([{ kind: 'transfer', class: 'missing_here', differences: [] }]);
    expect(find(reversal.id)).toEqual([{ kind: 'transfer_reversal', class: 'missing_here', differences: [] }]);
    expect(find(second!.transferId)).toEqual([{ kind: 'transfer', class: 'mismatched', differences: ['amount'] }]);
    expect(find(automatic.payout.stripeBankPayoutId)).toEqual([{ kind: 'bank_payout', class: 'missing_at_stripe', differences: [] }]);
    expect(find(lost.transferId)).toEqual([{ kind: 'transfer', class: 'missing_at_stripe', differences: [] }]);
    // The first payout's transfer itself still matches: partly reversed, the payout PAID.
    expect(find(first!.transferId)).toEqual([{ kind: 'transfer', class: 'matched', differences: [] }]);
    expect(run.counts).toMatchObject({ mismatched: 1, missing_here: 2, missing_at_stripe: 2 });

    // One alert per difference, the admins told once each; money that moved without us is critical.
    const opened = await t.database.db.select().from(alerts).where(and(eq(alerts.type, 'reconciliation_difference'), eq(alerts.status, 'OPEN')));
    expect(opened).toHaveLength(5);
    expect(run.alertsOpened).toBe(5);
    expect(opened.find((a) => a.details.stripeId === byHand.id)).toMatchObject({ severity: 'critical' });
    expect(opened.find((a) => a.details.stripeId === second!.transferId)).toMatchObject({ severity: 'warning' });
    const messages = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, 'alert.reconciliation_difference'));
    expect(messages.filter((m) => m.recipient === 'admins')).toHaveLength(5);
    const differenceItems = items.filter((item) => ['mismatched', 'missing_here', 'missing_at_stripe'].includes(item.class));
    expect(differenceItems.every((item) => item.alertId !== null)).toBe(true);

    // Through the API: the run, its differences, accepting one with a note.
    const headers = principals.headers.admin;
    const runs = await t.app.inject({ method: 'GET', url: '/api/admin/reconciliation/runs', headers });
    expect(runs.statusCode).toBe(200);
    expect(runs.json().data[0]).toMatchObject({ id: String(run.id), status: 'completed', differences: 5 });
    const listed = await t.app.inject({ method: 'GET', url: `/api/admin/reconciliation/runs/${run.id}/items?class=missing_here`, headers });
    expect(listed.json().data.map((i: { stripeId: string }) => i.stripeId).sort()).toEqual([byHand.id, reversal.id].sort());
    const handItem = differenceItems.find((item) => item.stripeId === byHand.id)!;
    const noNote = await t.app.inject({ method: 'POST', url: `/api/admin/reconciliation/items/${handItem.id}/accept`, headers, payload: { note: '  ' } });
    expect([noNote.statusCode, noNote.json().error.code]).toEqual([400, 'RECONCILIATION_NOTE_REQUIRED']);
    // Two admins accept at once: one wins, the other gets 409.
    const both = await Promise.all(
      ['Bonus paid by hand, agreed with finance', 'Same bonus'].map((note) => t.app.inject({ method: 'POST', url: `/api/admin/reconciliation/items/${handItem.id}/accept`, headers, payload: { note } })),
    );
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().error.code).toBe('RECONCILIATION_ITEM_ALREADY_ACCEPTED');
    const [handAlert] = await t.database.db.select().from(alerts).where(eq(alerts.id, handItem.alertId!));
    expect(handAlert).toMatchObject({ status: 'RESOLVED', resolvedBy: expect.stringMatching(/^api_key:/) });
    const matchedItem = items.find((item) => item.class === 'matched')!;
    const notADifference = await t.app.inject({ method: 'POST', url: `/api/admin/reconciliation/items/${matchedItem.id}/accept`, headers, payload: { note: 'fine' } });
    expect([notADifference.statusCode, notADifference.json().error.code]).toEqual([409, 'RECONCILIATION_ITEM_NOT_A_DIFFERENCE']);

    // The next run finds the same differences: the accepted one carries its acceptance and is not
    // alerted again; the others stay one open alert each (found twice).
    const again = await reconcileWithStripe(t.database.db, context, { since, until: t.clock.now(), actor: 'test' });
    expect(again).toMatchObject({ acceptedCount: 1, alertsOpened: 0, counts: { mismatched: 1, missing_here: 2, missing_at_stripe: 2 } });
    const carried = (await itemsOf(again.id)).find((item) => item.stripeId === byHand.id)!;
    expect(carried).toMatchObject({ acceptedBy: expect.stringMatching(/^api_key:/), alertId: null });
    expect(carried.acceptNote).toBe(`Accepted in run ${run.id}: ${both.find((r) => r.statusCode === 200)!.json().acceptNote}`);
    // /metrics reports the last completed run's items, open differences apart from accepted ones.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('payouts_reconciliation_items{class="missing_here",state="accepted"} 1');
    expect(metrics).toContain('payouts_reconciliation_items{class="missing_here",state="open"} 1');
    expect(metrics).toContain('payouts_reconciliation_items{class="mismatched",state="open"} 1');
    expect(metrics).toMatch(/payouts_reconciliation_last_completed_seconds [1-9]/);
    const stillOpen = await t.database.db.select().from(alerts).where(and(eq(alerts.type, 'reconciliation_difference'), eq(alerts.status, 'OPEN')));
    expect(stillOpen).toHaveLength(4);
    expect(stillOpen.every((alert) => alert.occurrences === 2)).toBe(true);

    // Put the amount back: the next run finds it in order and resolves its alert.
    await t.testSandbox!.control('POST', `/_sandbox/objects/${second!.transferId}`, { amount: Number(second!.payout.amount) });
    const fixed = await reconcileWithStripe(t.database.db, context, { since, until: t.clock.now(), actor: 'test' });
    expect(fixed.counts.mismatched).toBe(0);
    const secondAlert = opened.find((a) => a.details.stripeId === second!.transferId)!;
    const [resolved] = await t.database.db.select().from(alerts).where(eq(alerts.id, secondAlert.id));
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedBy: 'system' });
  });

  it('one run at a time: a concurrent start gets 409 RECONCILIATION_RUNNING; a bad period 400; the cron endpoint answers with the run', async () => {
    const headers = principals.headers.admin;
    const both = await Promise.all([0, 1].map(() => t.app.inject({ method: 'POST', url: '/api/admin/reconciliation/runs', headers, payload: {} })));
    const codes = both.map((r) => r.statusCode).sort();
    // Either they overlapped (one refused) or the first was already done when the second began.
    expect(codes[0]).toBe(201);
    if (codes[1] !== 201) expect(both.find((r) => r.statusCode !== 201)!.json().error.code).toBe('RECONCILIATION_RUNNING');

    const bad = await t.app.inject({ method: 'POST', url: '/api/admin/reconciliation/runs', headers, payload: { since: '2026-03-02T00:00:00Z', until: '2026-03-01T00:00:00Z' } });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'RECONCILIATION_PERIOD_INVALID']);

    const cron = await t.app.inject({ method: 'POST', url: '/api/cron/reconcile', headers: { authorization: `Bearer ${t.config.cron.secret}` } });
    expect(cron.statusCode).toBe(200);
    expect(cron.json()).toMatchObject({ success: true, job: 'reconcile', runId: expect.any(String), counts: expect.objectContaining({ matched: expect.any(Number) }), duration: expect.stringMatching(/ms$/) });

    await principals.refreshTokens();
    const asCreator = await t.app.inject({ method: 'GET', url: '/api/admin/reconciliation/runs', headers: principals.headers.creator });
    expect(asCreator.statusCode).toBe(403);
    const missing = await t.app.inject({ method: 'GET', url: '/api/admin/reconciliation/runs/999999/items', headers });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'RECONCILIATION_RUN_NOT_FOUND']);
  });
});
