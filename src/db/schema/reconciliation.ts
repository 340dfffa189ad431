import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { reconciliationClasses, reconciliationKinds, type Difference, type LocalRecordType, type MatchMethod } from '../../domain/reconciliation/reconciliation-item.js';

export const reconciliationRunStatuses = ['running', 'completed', 'failed'] as const;
export type ReconciliationRunStatus = (typeof reconciliationRunStatuses)[number];

export type ReconciliationCounts = Record<(typeof reconciliationClasses)[number], number>;

/**
 * One comparison of the service's books with Stripe's over a period (docs/reconciliation.md):
 * the daily job `reconcile`, `POST /api/cron/reconcile` or `payouts reconcile`. At most one runs
 * at a time; a run whose heartbeat stopped (a crash) is marked failed by the next.
 */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    status: text('status', { enum: reconciliationRunStatuses }).notNull(),
    /** Who started it: `system:reconcile`, `cron`, `cli`, `user:<id>` … */
    startedBy: text('started_by').notNull(),
    /** The Stripe objects created in [periodStart, periodEnd) are compared. */
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    counts: jsonb('counts').$type<ReconciliationCounts>().notNull().default({ matched: 0, expected: 0, mismatched: 0, missing_here: 0, missing_at_stripe: 0 }),
    /** Differences an admin had already accepted in an earlier run: found again, not alerted again. */
    acceptedCount: integer('accepted_count').notNull().default(0),
    stripeObjects: integer('stripe_objects').notNull().default(0),
    stripeRequests: integer('stripe_requests').notNull().default(0),
    alertsOpened: integer('alerts_opened').notNull().default(0),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('reconciliation_runs_one_running').on(t.status).where(sql`${t.status} = 'running'`),
    index('reconciliation_runs_started_idx').on(t.startedAt),
    check('reconciliation_runs_period', sql`${t.periodStart} < ${t.periodEnd}`),
  ],
);

/**
 * One compared object of a run: a Stripe object, one of our records, or both, in one class.
 * Amounts are in minor units of `currency`; a side that does not exist has no amount.
 */
export const reconciliationItems = pgTable(
  'reconciliation_items',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    runId: bigint('run_id', { mode: 'bigint' })
      .notNull()
      .references(() => reconciliationRuns.id),
    kind: text('kind', { enum: reconciliationKinds }).notNull(),
    class: text('class', { enum: reconciliationClasses }).notNull(),
    stripeId: text('stripe_id'),
    localType: text('local_type').$type<LocalRecordType>(),
    localId: text('local_id'),
    currency: char('currency', { length: 3 }),
    stripeAmount: bigint('stripe_amount', { mode: 'bigint' }),
    localAmount: bigint('local_amount', { mode: 'bigint' }),
    stripeStatus: text('stripe_status'),
    localStatus: text('local_status'),
    matchedBy: text('matched_by').$type<MatchMethod>(),
    differences: jsonb('differences').$type<Difference[]>().notNull().default([]),
    /** One line, in the service's words: what was found and why it is in its class. */
    summary: text('summary').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** When the object was made at Stripe (or, missing at Stripe, when we recorded it). */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: text('accepted_by'),
    acceptNote: text('accept_note'),
    alertId: bigint('alert_id', { mode: 'bigint' }),
  },
  (t) => [
    index('reconciliation_items_run_idx').on(t.runId, t.class, t.id),
    index('reconciliation_items_accepted_idx').on(t.fingerprint).where(sql`${t.acceptedAt} is not null`),
  ],
);
