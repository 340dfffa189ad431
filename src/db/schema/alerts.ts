import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { alertSeverities, alertStatuses } from '../../domain/alerts/alert-status.js';

/**
 * Conditions that need an admin (DESIGN.md §6, docs/alerts.md): one row per condition while it
 * lasts, found again by its `fingerprint` (e.g. `payout_stale:po_…`), so a check that keeps
 * finding the same trouble bumps `occurrences` instead of opening (and notifying) again.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    /** What kind of condition: the alert topic's name without `alert.` (`payout_stale`, `dispute_created` …). */
    type: text('type').notNull(),
    severity: text('severity', { enum: alertSeverities }).notNull(),
    /** One line for the list, in the service's words (English). */
    subject: text('subject').notNull(),
    /** What the check found, as of its last occurrence. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** The condition; at most one alert per fingerprint is not RESOLVED. */
    fingerprint: text('fingerprint').notNull(),
    status: text('status', { enum: alertStatuses }).notNull().default('OPEN'),
    /** Silenced until then: a repeat of the condition after it reminds the admins once. */
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** An actor (`user:<id>`, `api_key:<id>`), or `system` when the condition cleared. */
    resolvedBy: text('resolved_by'),
    resolutionNote: text('resolution_note'),
    /** The last time the condition was found (the opening included). */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** How many times it was found while open (1 when opened). */
    occurrences: integer('occurrences').notNull().default(1),
  },
  (t) => [
    uniqueIndex('alerts_open_fingerprint').on(t.fingerprint).where(sql`${t.status} <> 'RESOLVED'`),
    index('alerts_status_idx').on(t.status, t.id),
    index('alerts_type_idx').on(t.type, t.status),
    check('alerts_status_valid', sql`${t.status} in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')`),
    check('alerts_severity_valid', sql`${t.severity} in ('info', 'warning', 'critical')`),
    check('alerts_occurrences_positive', sql`${t.occurrences} > 0`),
  ],
);
