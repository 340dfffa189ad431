import { and, asc, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { alerts, auditEvents, payouts, webhookEvents } from '../../db/schema/index.js';
import { formatMoney } from '../../domain/money/index.js';
import type { ServiceContext } from '../context.js';
import { STALE_STAGE_UNSETTLED } from '../payouts/reconcile-stale-payouts.js';
import { raiseAlerts, type AlertInput } from './raise-alert.js';
import { resolveAlertsWhenCleared } from './resolve-cleared-alerts.js';

/** The thresholds of the checks (docs/alerts.md "The payout monitor"); each has a default from the issue and the seeds. */
export interface MonitorPayoutsOptions {
  /** A payout waiting for approval longer than this is overdue: 24 h. */
  reviewOverdueHours?: number;
  /** Approved (PENDING) or PROCESSING with no transfer for longer than this is stale: `PAYOUT_STALE_MINUTES`. */
  staleMinutes?: number;
  /**
   * When a bank payout is expected at the bank after the transfer: 2 days (Stripe's standard
   * payout speed in most countries). The payout does not keep Stripe's `arrival_date`, so the
   * transfer time is the starting point.
   */
  expectedBankArrivalHours?: number;
  /** How long after the expected arrival a missing `payout.paid` becomes an alert: 1 day. */
  bankPayoutGraceHours?: number;
  /** Seed 003: an alert when more than 5 % of the payouts that finished in the window failed. */
  failureRatePercent?: number;
  /** The failure rate's window: 24 h. */
  failureRateWindowHours?: number;
  /** A failed Stripe event counts as failing from this many attempts (3: the first and two retries, about three minutes). */
  webhookFailingAttempts?: number;
  /** The summary rule's limit (raiseAlerts): 100. */
  summaryLimit?: number;
}

export interface MonitorPayoutsResult {
  /** What each check found this run. */
  found: { reviewOverdue: number; stale: number; bankPayoutOverdue: number; failureRate: FailureRate | null; webhookEventsFailing: number };
  opened: number;
  /** Alerts found again while open (counted, not notified). */
  stillOpen: number;
  resolved: number;
  /** New alerts a summary stands for (0: none needed). */
  summarised: number;
}

export interface FailureRate {
  failed: number;
  finished: number;
  /** failed / finished, 0–1. */
  rate: number;
  reasons: Array<{ code: string | null; count: number }>;
}

/** The job's fingerprint for its summary of a flood (raiseAlerts' summary rule). */
export const MONITOR_SUMMARY_FINGERPRINT = 'alerts_summarised:monitor-payouts';

const HOUR = 3_600_000;

/**
 * The payout monitor (job `monitor-payouts`, every 15 minutes; issue 14 §3, seed 003): stale payouts
 * at each stage with its own threshold, the failure rate of the last 24 h, failing Stripe events.
 * Everything it finds is raised in one batch (one alert per condition, notified once; more than
 * 100 new ones at once make one summary), and every alert of its types whose condition is gone is
 * resolved by `system`. Runs one at a time (an advisory lock), in one transaction: what it reads
 * and what it writes agree.
 *
 * | check | alert type | fingerprint | severity |
 * |---|---|---|---|
 * | PENDING_APPROVAL for more than 24 h | `payout_review_overdue` | `payout_review_overdue:<payout>` | warning |
 * | PENDING, or PROCESSING without a transfer, for more than PAYOUT_STALE_MINUTES | `payout_stale` | `payout_stale:<payout>` | warning |
 * | transferred, no bank `payout.paid` by expected arrival + 1 day | `payout_bank_payout_overdue` | `payout_bank_payout_overdue:<payout>` | warning |
 * | more than 5 % of payouts finished in 24 h failed | `payout_failure_rate` | `payout_failure_rate` | critical |
 * | Stripe events failed 3 times or more | `webhook_events_failing` | `webhook_events_failing` | warning |
 *
 * It also resolves the alerts other code raises about conditions it can see end: a
 * `payout_stale` from the reconciliation and a `payout_bank_payout_failed` once the payout is no
 * longer PROCESSING.
 */
export async function monitorPayouts(db: Db, context: Pick<ServiceContext, 'clock' | 'config'>, options: MonitorPayoutsOptions = {}): Promise<MonitorPayoutsResult> {
  const now = context.clock.now();
  const thresholds = {
    reviewOverdueHours: options.reviewOverdueHours ?? 24,
    staleMinutes: options.staleMinutes ?? context.config.payoutStaleMinutes,
    expectedBankArrivalHours: options.expectedBankArrivalHours ?? 48,
    bankPayoutGraceHours: options.bankPayoutGraceHours ?? 24,
    failureRatePercent: options.failureRatePercent ?? 5,
    failureRateWindowHours: options.failureRateWindowHours ?? 24,
    webhookFailingAttempts: options.webhookFailingAttempts ?? 3,
  };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('monitor-payouts'))`);
    const reviewOverdue = await findReviewOverdue(tx, now, thresholds.reviewOverdueHours);
    const stale = await findStale(tx, now, thresholds.staleMinutes);
    const bankPayoutOverdue = await findBankPayoutOverdue(tx, now, thresholds.expectedBankArrivalHours, thresholds.bankPayoutGraceHours);
    const failureRate = await measureFailureRate(tx, now, thresholds.failureRateWindowHours);
    const failureRateAlert = failureRate && failureRate.rate * 100 > thresholds.failureRatePercent ? [failureRateAlertOf(failureRate, thresholds, now)] : [];
    const webhooks = await findFailingWebhookEvents(tx, now, thresholds.webhookFailingAttempts);

    const firing: AlertInput[] = [...reviewOverdue, ...stale, ...bankPayoutOverdue, ...failureRateAlert, ...webhooks];
    const { raised, summarised } = await raiseAlerts(tx, firing, {
      summary: { fingerprint: MONITOR_SUMMARY_FINGERPRINT, source: 'Payout monitor', at: now, ...(options.summaryLimit !== undefined && { limit: options.summaryLimit }) },
    });

    const fingerprintsOf = (type: string) => firing.filter((alert) => alert.type === type).map((alert) => alert.fingerprint);
    const cleared = [
      ...(await resolveAlertsWhenCleared(tx, { type: 'payout_review_overdue', stillFiring: fingerprintsOf('payout_review_overdue'), note: 'Cleared: the payout was reviewed', at: now })),
      ...(await resolveAlertsWhenCleared(tx, {
        type: 'payout_stale',
        // The reconciliation's (Stripe did not settle it) last while the payout is PROCESSING.
        stillFiring: [...fingerprintsOf('payout_stale'), ...(await openPayoutAlertsWhileProcessing(tx, 'payout_stale', STALE_STAGE_UNSETTLED))],
        note: 'Cleared: the payout moved on',
        at: now,
      })),
      ...(await resolveAlertsWhenCleared(tx, { type: 'payout_bank_payout_overdue', stillFiring: fingerprintsOf('payout_bank_payout_overdue'), note: 'Cleared: the bank payout was settled', at: now })),
      ...(await resolveAlertsWhenCleared(tx, { type: 'payout_failure_rate', stillFiring: fingerprintsOf('payout_failure_rate'), note: `Cleared: the failure rate is back at or under ${thresholds.failureRatePercent} %`, at: now })),
      ...(await resolveAlertsWhenCleared(tx, { type: 'webhook_events_failing', stillFiring: fingerprintsOf('webhook_events_failing'), note: 'Cleared: no Stripe event is failing', at: now })),
      ...(await resolveAlertsWhenCleared(tx, {
        type: 'payout_bank_payout_failed',
        stillFiring: await openPayoutAlertsWhileProcessing(tx, 'payout_bank_payout_failed'),
        note: 'Cleared: the payout is no longer processing',
        at: now,
      })),
    ];
    return {
      found: { reviewOverdue: reviewOverdue.length, stale: stale.length, bankPayoutOverdue: bankPayoutOverdue.length, failureRate, webhookEventsFailing: webhooks.length > 0 ? Number(webhooks[0]!.details!.count) : 0 },
      opened: raised.filter((r) => r.opened).length,
      stillOpen: raised.filter((r) => !r.opened).length,
      resolved: cleared.length,
      summarised,
    };
  });
}

const money = (payout: { amount: bigint; currency: string }) => formatMoney({ amountMinor: payout.amount, currency: payout.currency });
const hours = (ms: number) => Math.floor(ms / HOUR);

/** PENDING_APPROVAL, requested more than `overdueHours` ago. */
async function findReviewOverdue(tx: DbExecutor, now: Date, overdueHours: number): Promise<AlertInput[]> {
  const before = new Date(now.getTime() - overdueHours * HOUR);
  const rows = await tx
    .select()
    .from(payouts)
    .where(and(eq(payouts.status, 'PENDING_APPROVAL'), lte(payouts.requestedAt, before)))
    .orderBy(asc(payouts.requestedAt), asc(payouts.id));
  return rows.map((payout) => {
    const payload = {
      payoutId: payout.id,
      creatorId: payout.creatorId,
      amount: String(payout.amount),
      currency: payout.currency,
      requestedAt: payout.requestedAt.toISOString(),
      approvalReason: payout.approvalReason,
      thresholdHours: overdueHours,
    };
    return {
      type: 'payout_review_overdue',
      severity: 'warning',
      subject: `Payout ${payout.id} (${money(payout)}) waiting for approval for ${hours(now.getTime() - payout.requestedAt.getTime())} h`,
      details: payload,
      fingerprint: `payout_review_overdue:${payout.id}`,
      topic: 'alert.payout_review_overdue',
      payload,
      at: now,
    } satisfies AlertInput;
  });
}

/** Approved (PENDING since its review, or its request when none was needed), or PROCESSING with no transfer, for longer than `staleMinutes`. */
async function findStale(tx: DbExecutor, now: Date, staleMinutes: number): Promise<AlertInput[]> {
  const before = new Date(now.getTime() - staleMinutes * 60_000);
  const rows = await tx
    .select()
    .from(payouts)
    .where(
      or(
        and(eq(payouts.status, 'PENDING'), sql`coalesce(${payouts.reviewedAt}, ${payouts.requestedAt}) <= ${before.toISOString()}::timestamptz`),
        and(eq(payouts.status, 'PROCESSING'), isNull(payouts.stripeTransferId), lte(payouts.processingStartedAt, before)),
      ),
    )
    .orderBy(asc(payouts.requestedAt), asc(payouts.id));
  return rows.map((payout) => {
    const pending = payout.status === 'PENDING';
    const since = pending ? (payout.reviewedAt ?? payout.requestedAt) : payout.processingStartedAt!;
    const reason = pending
      ? `Ready to send since ${since.toISOString()} and no transfer was started`
      : `PROCESSING since ${since.toISOString()} without a transfer${payout.nextRetryAt ? ` (${payout.failedAttempts} failed attempts, next retry at ${payout.nextRetryAt.toISOString()})` : ''}`;
    const payload = {
      payoutId: payout.id,
      creatorId: payout.creatorId,
      status: payout.status,
      stage: pending ? 'not_sent' : 'no_transfer',
      amount: String(payout.amount),
      currency: payout.currency,
      ...(pending ? { waitingSince: since.toISOString() } : { processingStartedAt: since.toISOString() }),
      failedAttempts: payout.failedAttempts,
      lastErrorCode: payout.lastErrorCode,
      reason,
    };
    return {
      type: 'payout_stale',
      severity: 'warning',
      // "Approved" only when an admin did approve it; a payout that needed no review is just waiting to be sent.
      subject: `Payout ${payout.id} (${money(payout)}) ${pending ? (payout.reviewedAt ? 'approved and not sent' : 'waiting to be sent') : 'PROCESSING without a transfer'} for ${Math.floor((now.getTime() - since.getTime()) / 60_000)} min`,
      details: payload,
      fingerprint: `payout_stale:${payout.id}`,
      topic: 'alert.payout_stale',
      payload,
      at: now,
    } satisfies AlertInput;
  });
}

/** PROCESSING, transferred, waiting for its bank payout's `payout.paid` past the expected arrival and the grace. */
async function findBankPayoutOverdue(tx: DbExecutor, now: Date, arrivalHours: number, graceHours: number): Promise<AlertInput[]> {
  const before = new Date(now.getTime() - (arrivalHours + graceHours) * HOUR);
  const rows = await tx
    .select()
    .from(payouts)
    .where(and(eq(payouts.status, 'PROCESSING'), eq(payouts.awaitsBankPayout, true), isNotNull(payouts.stripeTransferId), lte(payouts.transferredAt, before)))
    .orderBy(asc(payouts.transferredAt), asc(payouts.id));
  return rows.map((payout) => {
    const expected = new Date(payout.transferredAt!.getTime() + arrivalHours * HOUR);
    const payload = {
      payoutId: payout.id,
      creatorId: payout.creatorId,
      amount: String(payout.amount),
      currency: payout.currency,
      transferId: payout.stripeTransferId,
      bankPayoutId: payout.stripeBankPayoutId,
      transferredAt: payout.transferredAt!.toISOString(),
      expectedArrivalAt: expected.toISOString(),
    };
    return {
      type: 'payout_bank_payout_overdue',
      severity: 'warning',
      subject: `Bank payout of payout ${payout.id} (${money(payout)}) not paid: expected by ${expected.toISOString()}${payout.stripeBankPayoutId ? '' : ', and none was created'}`,
      details: payload,
      fingerprint: `payout_bank_payout_overdue:${payout.id}`,
      topic: 'alert.payout_bank_payout_overdue',
      payload,
      at: now,
    } satisfies AlertInput;
  });
}

/**
 * The payouts that finished (PAID or FAILED) in the window, found by their audit events (the
 * audit's time index bounds the read to the window) and counted by their status now: one paid
 * and then failed by its bank counts as failed. Null when none finished.
 */
async function measureFailureRate(tx: DbExecutor, now: Date, windowHours: number): Promise<FailureRate | null> {
  const since = new Date(now.getTime() - windowHours * HOUR);
  const finishedIds = tx
    .select({ id: auditEvents.subjectId })
    .from(auditEvents)
    .where(and(sql`${auditEvents.createdAt} > ${since.toISOString()}::timestamptz`, eq(auditEvents.subjectType, 'payout'), inArray(auditEvents.action, ['payout.paid', 'payout.failed'])));
  const rows = await tx
    .select({ status: payouts.status, code: payouts.lastErrorCode, count: sql<number>`count(*)::int` })
    .from(payouts)
    .where(and(inArray(payouts.id, finishedIds), inArray(payouts.status, ['PAID', 'FAILED'])))
    .groupBy(payouts.status, payouts.lastErrorCode);
  const finished = rows.reduce((sum, row) => sum + row.count, 0);
  if (finished === 0) return null;
  const failedRows = rows.filter((row) => row.status === 'FAILED').sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code)));
  const failed = failedRows.reduce((sum, row) => sum + row.count, 0);
  return { failed, finished, rate: failed / finished, reasons: failedRows.map((row) => ({ code: row.code, count: row.count })) };
}

function failureRateAlertOf(rate: FailureRate, thresholds: { failureRatePercent: number; failureRateWindowHours: number }, now: Date): AlertInput {
  const payload = {
    failed: rate.failed,
    finished: rate.finished,
    thresholdPercent: thresholds.failureRatePercent,
    windowHours: thresholds.failureRateWindowHours,
    reasons: rate.reasons,
  };
  return {
    type: 'payout_failure_rate',
    severity: 'critical',
    subject: `Payout failure rate ${(rate.rate * 100).toFixed(1)} % over the last ${thresholds.failureRateWindowHours} h (${rate.failed} of ${rate.finished}; threshold ${thresholds.failureRatePercent} %)`,
    details: { ...payload, rate: rate.rate },
    fingerprint: 'payout_failure_rate',
    topic: 'alert.payout_failure_rate',
    payload,
    at: now,
  };
}

/** Stripe events `failed` after at least `minAttempts` attempts (being retried, or given up): one alert for all of them. */
async function findFailingWebhookEvents(tx: DbExecutor, now: Date, minAttempts: number): Promise<AlertInput[]> {
  const rows = await tx
    .select({
      type: webhookEvents.type,
      count: sql<number>`count(*)::int`,
      exhausted: sql<number>`(count(*) filter (where ${webhookEvents.nextRetryAt} is null))::int`,
      oldest: sql<string>`min(${webhookEvents.receivedAt})`,
    })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, 'failed'), sql`${webhookEvents.attempts} >= ${minAttempts}`))
    .groupBy(webhookEvents.type)
    .orderBy(asc(webhookEvents.type));
  if (rows.length === 0) return [];
  const count = rows.reduce((sum, row) => sum + row.count, 0);
  const exhausted = rows.reduce((sum, row) => sum + row.exhausted, 0);
  const oldestReceivedAt = new Date(Math.min(...rows.map((row) => new Date(row.oldest).getTime()))).toISOString();
  const payload = { count, exhausted, oldestReceivedAt, types: rows.map((row) => ({ type: row.type, count: row.count })), minAttempts };
  return [
    {
      type: 'webhook_events_failing',
      severity: 'warning',
      subject: `${count} Stripe event${count === 1 ? '' : 's'} failing (${exhausted} given up), the oldest received ${oldestReceivedAt}`,
      details: payload,
      fingerprint: 'webhook_events_failing',
      topic: 'alert.webhook_events_failing',
      payload,
      at: now,
    },
  ];
}

/** Fingerprints of the open alerts of `type` (of this `stage`, when given) whose payout (`details.payoutId`) is still PROCESSING. */
async function openPayoutAlertsWhileProcessing(tx: DbExecutor, type: string, stage?: string): Promise<string[]> {
  const rows = await tx
    .select({ fingerprint: alerts.fingerprint })
    .from(alerts)
    .innerJoin(payouts, eq(payouts.id, sql`${alerts.details} ->> 'payoutId'`))
    .where(and(eq(alerts.type, type), ne(alerts.status, 'RESOLVED'), eq(payouts.status, 'PROCESSING'), stage === undefined ? undefined : sql`${alerts.details} ->> 'stage' = ${stage}`));
  return rows.map((row) => row.fingerprint);
}
