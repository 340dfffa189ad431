import { and, asc, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import type { DbExecutor } from '../../db/database.js';
import { alerts, outboxMessages, payouts, webhookEvents } from '../../db/schema/index.js';
import type { Topic } from '../../notifications/catalog.js';
import { recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { createPayout, type Payout } from '../payouts/create-payout.js';
import { cancelPayout, completePayout, failPayout, lockPayout, recordTransferMade, startProcessing } from '../payouts/payout-lifecycle.js';
import { STALE_STAGE_UNSETTLED } from '../payouts/reconcile-stale-payouts.js';
import { reviewPayout } from '../payouts/review-payout.js';
import { MONITOR_SUMMARY_FINGERPRINT, monitorPayouts } from './monitor-payouts.js';
import { raiseAlert, topicAlert } from './raise-alert.js';

let t: TestApp;
let who: TestPrincipals;
beforeAll(async () => {
  t = await createTestApp();
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

const MINUTE = 60;
const HOUR = 3600;
const advance = (seconds: number) => t.clock.advance(seconds);

/** A creator with `amount` (minor units, the creator's share) available. */
async function creatorWithAvailable(amount: bigint) {
  const { creatorId } = await insertCreator(t.database.db);
  const paidAt = new Date(t.clock.now().getTime() - 30 * 86_400_000);
  await t.database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_${creatorId}`, amount: (amount * 10n) / 9n + 1n, currency: 'eur', paidAt, actor: 'stripe' }, t));
  await releaseDuePayments(t.database.db, { actor: 'system:test' }, t);
  return creatorId;
}

async function newPayout(creatorId: string, input: { status?: 'PENDING' | 'PENDING_APPROVAL'; amount?: bigint; origin?: 'request' | 'automatic' } = {}): Promise<Payout> {
  const { payout } = await t.database.db.transaction((tx) =>
    createPayout(
      tx,
      {
        creatorId,
        amount: input.amount ?? 5000n,
        currency: 'eur',
        origin: input.origin ?? 'request',
        status: input.status ?? 'PENDING',
        actor: 'user:test',
        ...(input.status === 'PENDING_APPROVAL' && { approvalReason: 'Amount exceeds €50.00', flags: ['REQUIRES_ADMIN_APPROVAL'] }),
      },
      t,
    ),
  );
  return payout;
}

/** One step of a payout's lifecycle, in its own transaction, as the services run them. */
const step = <T>(payoutId: string, fn: (tx: DbExecutor, payout: Payout, now: Date) => Promise<T>) =>
  t.database.db.transaction(async (tx) => fn(tx, await lockPayout(tx, payoutId), t.clock.now()));
const startProcessingOf = (payoutId: string, awaitsBankPayout = true) =>
  step(payoutId, (tx, payout, now) => startProcessing(tx, payout, { actor: 'system:test', stripeAccountId: 'acct_monitor', awaitsBankPayout, leaseSeconds: 60 }, now));
const transferOf = (payoutId: string) => step(payoutId, (tx, payout, now) => recordTransferMade(tx, payout, { actor: 'system:test', transferId: `tr_${payoutId}` }, now));

/** The job, as an external scheduler runs it. */
async function runMonitor() {
  const reply = await t.app.inject({ method: 'POST', url: '/api/cron/monitor-payouts', headers: who.headers.cron });
  expect(reply.statusCode).toBe(200);
  return reply.json();
}

const alertsOf = (fingerprint: string) => t.database.db.select().from(alerts).where(eq(alerts.fingerprint, fingerprint)).orderBy(asc(alerts.id));
async function openAlert(fingerprint: string) {
  const open = (await alertsOf(fingerprint)).filter((a) => a.status !== 'RESOLVED');
  expect(open.length).toBeLessThanOrEqual(1);
  return open[0];
}
/** The admin messages of these alerts (each alert's opening, and reminders). */
const messagesOf = async (topic: Topic, alertIds: bigint[]) =>
  (await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, topic))).filter((m) => alertIds.map(String).includes(m.payload.alertId as string));

describe(`payout monitor on ${testDatabaseKind}`, () => {
  it('a payout waiting for approval more than 24 h: one alert and one message while it waits; resolved once reviewed', async () => {
    const creatorId = await creatorWithAvailable(10_000n);
    const payout = await newPayout(creatorId, { status: 'PENDING_APPROVAL' });
    const fingerprint = `payout_review_overdue:${payout.id}`;
    advance(23 * HOUR);
    await runMonitor();
    expect(await alertsOf(fingerprint)).toEqual([]);

    advance(2 * HOUR);
    const report = await runMonitor();
    expect(report).toMatchObject({ success: true, job: 'monitor-payouts', found: { reviewOverdue: expect.any(Number) } });
    const alert = await openAlert(fingerprint);
    expect(alert).toMatchObject({ type: 'payout_review_overdue', severity: 'warning', status: 'OPEN', occurrences: 1, details: { payoutId: payout.id, approvalReason: 'Amount exceeds €50.00' } });
    expect(alert!.subject).toMatch(new RegExp(`^Payout ${payout.id} \\(€50\\.00\\) waiting for approval for 25 h$`));

    advance(15 * MINUTE);
    await runMonitor();
    expect(await alertsOf(fingerprint)).toMatchObject([{ id: alert!.id, status: 'OPEN', occurrences: 2 }]);
    expect(await messagesOf('alert.payout_review_overdue', [alert!.id])).toMatchObject([{ recipient: 'admins', payload: { payoutId: payout.id, thresholdHours: 24, amount: '5000' } }]);

    // As an admin sees it.
    const listed = await t.app.inject({ method: 'GET', url: '/api/admin/alerts?type=payout_review_overdue&status=OPEN&limit=200', headers: who.headers.admin });
    expect(listed.json().data.map((a: { fingerprint: string }) => a.fingerprint)).toContain(fingerprint);

    await step(payout.id, (tx, locked, now) => cancelPayout(tx, locked, { actor: 'user:usr_admin', reason: 'not this month', reviewed: true }, now));
    advance(15 * MINUTE);
    await runMonitor();
    expect(await alertsOf(fingerprint)).toMatchObject([{ id: alert!.id, status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the payout was reviewed' }]);
    expect(await messagesOf('alert.payout_review_overdue', [alert!.id])).toHaveLength(1);
  });

  it('an admin rejecting a payout that waited too long for approval resolves its alert at once', async () => {
    const creatorId = await creatorWithAvailable(10_000n);
    const payout = await newPayout(creatorId, { status: 'PENDING_APPROVAL' });
    const fingerprint = `payout_review_overdue:${payout.id}`;
    advance(25 * HOUR);
    await runMonitor();
    expect(await openAlert(fingerprint)).toMatchObject({ status: 'OPEN' });
    await reviewPayout(t.database.db, { payoutId: payout.id, action: 'reject', notes: 'Not this one', actor: 'user:usr_admin' }, { config: t.config, clock: t.clock, stripe: t.stripe });
    // No monitor run in between: the review itself closed it.
    expect(await alertsOf(fingerprint)).toMatchObject([{ status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the payout was rejected' }]);
  });

  it('a payout an admin approved and nobody sent: "approved and not sent", counted from the approval', async () => {
    const creatorId = await creatorWithAvailable(10_000n);
    const payout = await newPayout(creatorId);
    advance(3 * HOUR);
    const approvedAt = t.clock.now();
    await t.database.db.update(payouts).set({ reviewedAt: approvedAt, reviewedBy: 'user:usr_admin' }).where(eq(payouts.id, payout.id));
    advance((t.config.payoutStaleMinutes + 5) * MINUTE);
    await runMonitor();
    const alert = await openAlert(`payout_stale:${payout.id}`);
    expect(alert!.subject).toBe(`Payout ${payout.id} (€50.00) approved and not sent for ${t.config.payoutStaleMinutes + 5} min`);
    expect(alert!.details).toMatchObject({ stage: 'not_sent', waitingSince: approvedAt.toISOString() });
  });

  it('stale at each stage with its own threshold: waiting to be sent, PROCESSING without a transfer, transferred without a paid bank payout', async () => {
    const creatorId = await creatorWithAvailable(10_000n);
    const payout = await newPayout(creatorId);
    const stale = `payout_stale:${payout.id}`;
    const overdue = `payout_bank_payout_overdue:${payout.id}`;
    const staleMinutes = t.config.payoutStaleMinutes;

    // Approved (PENDING) and not sent.
    advance((staleMinutes - 1) * MINUTE);
    await runMonitor();
    expect(await alertsOf(stale)).toEqual([]);
    advance(2 * MINUTE);
    await runMonitor();
    const notSent = await openAlert(stale);
    expect(notSent).toMatchObject({ type: 'payout_stale', severity: 'warning', details: { status: 'PENDING', stage: 'not_sent' } });
    // It needed no review: waiting, not "approved".
    expect(notSent!.subject).toContain('waiting to be sent for');
    expect(notSent!.subject).not.toContain('approved');

    // Processing starts: that stage's condition is over. Without a transfer for too long: a new alert.
    await startProcessingOf(payout.id);
    await runMonitor();
    expect((await alertsOf(stale))[0]).toMatchObject({ id: notSent!.id, status: 'RESOLVED', resolvedBy: 'system' });
    advance((staleMinutes + 1) * MINUTE);
    await runMonitor();
    const noTransfer = await openAlert(stale);
    expect(noTransfer).toMatchObject({ details: { status: 'PROCESSING', stage: 'no_transfer' }, occurrences: 1 });
    expect(noTransfer!.id).not.toBe(notSent!.id);
    // Each opening notified once.
    expect((await messagesOf('alert.payout_stale', [notSent!.id, noTransfer!.id])).map((m) => m.payload.stage)).toEqual(['not_sent', 'no_transfer']);

    // The transfer is made; the bank payout is expected 2 days later, overdue 1 day after that.
    await transferOf(payout.id);
    const transferredAt = (await step(payout.id, async (_tx, locked) => locked)).transferredAt!;
    await runMonitor();
    expect((await alertsOf(stale)).map((a) => a.status)).toEqual(['RESOLVED', 'RESOLVED']);
    advance(71 * HOUR);
    await runMonitor();
    expect(await alertsOf(overdue)).toEqual([]);
    expect(await openAlert(stale)).toBeUndefined(); // transferred: not stale, however long the bank takes
    advance(HOUR + MINUTE);
    await runMonitor();
    const late = await openAlert(overdue);
    expect(late).toMatchObject({
      type: 'payout_bank_payout_overdue',
      severity: 'warning',
      details: { transferId: `tr_${payout.id}`, transferredAt: transferredAt.toISOString(), expectedArrivalAt: new Date(transferredAt.getTime() + 48 * HOUR * 1000).toISOString() },
    });
    expect(await messagesOf('alert.payout_bank_payout_overdue', [late!.id])).toHaveLength(1);

    // payout.paid arrives: PAID, and the alert resolves on the next run.
    await step(payout.id, (tx, locked, now) => completePayout(tx, locked, { actor: 'stripe' }, now));
    await runMonitor();
    expect(await alertsOf(overdue)).toMatchObject([{ id: late!.id, status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the bank payout was settled' }]);
  });

  it('alerts raised elsewhere about a PROCESSING payout (reconciliation, bank payout failed) stay open while it is PROCESSING and resolve after', async () => {
    const creatorId = await creatorWithAvailable(10_000n);
    const payout = await newPayout(creatorId);
    await startProcessingOf(payout.id);
    await transferOf(payout.id);
    const base = { payoutId: payout.id, amount: '5000', currency: 'eur', transferId: `tr_${payout.id}` };
    await t.database.db.transaction(async (tx) => {
      await raiseAlert(tx, topicAlert('alert.payout_stale', { about: payout.id, subject: 'unsettled', payload: { ...base, status: 'PROCESSING', stage: STALE_STAGE_UNSETTLED, reason: 'Bank payout po_x is failed' }, at: t.clock.now() }));
      await raiseAlert(tx, topicAlert('alert.payout_bank_payout_failed', { about: payout.id, subject: 'bank failed', payload: { ...base, code: 'account_closed' }, at: t.clock.now() }));
    });
    await runMonitor();
    expect((await openAlert(`payout_stale:${payout.id}`))?.status).toBe('OPEN');
    expect((await openAlert(`payout_bank_payout_failed:${payout.id}`))?.status).toBe('OPEN');

    await step(payout.id, (tx, locked, now) => completePayout(tx, locked, { actor: 'stripe' }, now));
    await runMonitor();
    expect((await alertsOf(`payout_stale:${payout.id}`)).map((a) => a.status)).toEqual(['RESOLVED']);
    expect(await alertsOf(`payout_bank_payout_failed:${payout.id}`)).toMatchObject([{ status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the payout is no longer processing' }]);
  });

  it('a failure rate above 5 % over the last 24 h is one critical alert with the reasons; at 5 % it resolves', async () => {
    // A window of its own: what earlier tests finished is more than a day old.
    advance(2 * 24 * HOUR);
    const creatorId = await creatorWithAvailable(1_000_000n);
    const finish = async (outcome: 'paid' | 'failed', code = 'account_closed') => {
      const payout = await newPayout(creatorId, { origin: 'automatic', amount: 1000n });
      await startProcessingOf(payout.id, false);
      if (outcome === 'paid') await transferOf(payout.id);
      else await step(payout.id, (tx, locked, now) => failPayout(tx, locked, { actor: 'system:test', code, message: `Stripe said ${code}`, moneyBack: 'release' }, now));
    };
    for (let i = 0; i < 8; i++) await finish('paid');
    await finish('failed', 'account_closed');
    await finish('failed', 'invalid_account_number');

    const report = await runMonitor();
    expect(report.found.failureRate).toMatchObject({ failed: 2, finished: 10, rate: 0.2 });
    const alert = await openAlert('payout_failure_rate');
    expect(alert).toMatchObject({
      type: 'payout_failure_rate',
      severity: 'critical',
      subject: 'Payout failure rate 20.0 % over the last 24 h (2 of 10; threshold 5 %)',
      details: {
        failed: 2,
        finished: 10,
        reasons: [
          { code: 'account_closed', count: 1 },
          { code: 'invalid_account_number', count: 1 },
        ],
      },
    });
    const [message] = await messagesOf('alert.payout_failure_rate', [alert!.id]);
    expect(message).toMatchObject({ recipient: 'admins', payload: { failed: 2, finished: 10, thresholdPercent: 5 } });

    for (let i = 0; i < 29; i++) await finish('paid');
    expect((await runMonitor()).found.failureRate).toMatchObject({ failed: 2, finished: 39 });
    expect((await openAlert('payout_failure_rate'))?.id).toBe(alert!.id); // 5.1 %: still above
    await finish('paid');
    expect((await runMonitor()).found.failureRate).toMatchObject({ failed: 2, finished: 40, rate: 0.05 });
    expect(await openAlert('payout_failure_rate')).toBeUndefined();
    expect((await alertsOf('payout_failure_rate')).at(-1)).toMatchObject({ id: alert!.id, status: 'RESOLVED', resolvedBy: 'system' });
    expect(await messagesOf('alert.payout_failure_rate', [alert!.id])).toHaveLength(1);
  });

  it('Stripe events failing three times or more: one alert for all of them, resolved when none fails', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const received = t.clock.now();
    const event = (id: string, attempts: number, nextRetryAt: Date | null) => ({
      id: `evt_${tag}_${id}`,
      type: 'payout.paid',
      status: 'failed' as const,
      attempts,
      error: 'PAYOUT_NOT_FOUND: no payout for bank payout po_x',
      payload: { id: `evt_${tag}_${id}`, type: 'payout.paid', data: { object: {} } },
      receivedAt: received,
      processedAt: received,
      nextRetryAt,
    });
    await t.database.db.insert(webhookEvents).values([event('a', 3, new Date(received.getTime() + 4 * MINUTE * 1000)), event('b', 10, null), event('c', 1, new Date(received.getTime() + 60_000))]);
    const report = await runMonitor();
    expect(report.found.webhookEventsFailing).toBe(2);
    const alert = await openAlert('webhook_events_failing');
    expect(alert).toMatchObject({ severity: 'warning', details: { count: 2, exhausted: 1, types: [{ type: 'payout.paid', count: 2 }], oldestReceivedAt: received.toISOString() } });
    expect(await messagesOf('alert.webhook_events_failing', [alert!.id])).toHaveLength(1);

    await t.database.db
      .update(webhookEvents)
      .set({ status: 'completed', nextRetryAt: null })
      .where(like(webhookEvents.id, `evt_${tag}_%`));
    await runMonitor();
    expect(await openAlert('webhook_events_failing')).toBeUndefined();
    expect((await alertsOf('webhook_events_failing')).at(-1)).toMatchObject({ id: alert!.id, status: 'RESOLVED', resolutionNote: 'Cleared: no Stripe event is failing' });
  });

  it('a run that would open more than its limit opens one summary instead, then the alerts one by one when it may', async () => {
    const creatorIds = [await creatorWithAvailable(10_000n), await creatorWithAvailable(10_000n), await creatorWithAvailable(10_000n)];
    const payouts = [];
    for (const creatorId of creatorIds) payouts.push(await newPayout(creatorId, { status: 'PENDING_APPROVAL' }));
    const fingerprints = payouts.map((p) => `payout_review_overdue:${p.id}`);
    advance(25 * HOUR);

    const flood = await monitorPayouts(t.database.db, t, { summaryLimit: 2 });
    expect(flood.summarised).toBeGreaterThanOrEqual(3);
    expect(await t.database.db.select().from(alerts).where(inArray(alerts.fingerprint, fingerprints))).toEqual([]);
    const summary = await openAlert(MONITOR_SUMMARY_FINGERPRINT);
    expect(summary).toMatchObject({ type: 'alerts_summarised', details: { source: 'Payout monitor', count: flood.summarised } });
    expect(summary!.details.types).toEqual(expect.arrayContaining([{ type: 'payout_review_overdue', count: expect.any(Number) }]));
    expect(await messagesOf('alert.alerts_summarised', [summary!.id])).toHaveLength(1);

    // The default limit (100): each opens, and the summary resolves.
    await runMonitor();
    expect((await t.database.db.select().from(alerts).where(and(inArray(alerts.fingerprint, fingerprints), eq(alerts.status, 'OPEN')))).length).toBe(3);
    expect(await alertsOf(MONITOR_SUMMARY_FINGERPRINT)).toMatchObject([{ id: summary!.id, status: 'RESOLVED', resolvedBy: 'system' }]);
  });
});
