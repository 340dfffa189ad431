import { and, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { alerts } from '../../db/schema/index.js';
import { graverSeverity, type AlertSeverity } from '../../domain/alerts/alert-status.js';
import { severityOf, topics, type Topic } from '../../notifications/catalog.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import { resolveAlertsByFingerprint } from './resolve-cleared-alerts.js';

export type Alert = typeof alerts.$inferSelect;

/** An admin topic of the catalog: what an alert's opening is announced with. */
export type AlertTopic = { [T in Topic]: (typeof topics)[T]['audience'] extends 'admins' ? T : never }[Topic];

export interface AlertInput {
  /** The kind of condition: the topic's name without `alert.` by convention (`payout_stale`). */
  type: string;
  severity: AlertSeverity;
  /** One line for the alert list, in the service's words. */
  subject: string;
  details?: Record<string, unknown>;
  /**
   * The condition, stable for as long as it lasts: `<type>:<what it is about>`
   * (`payout_retries_exhausted:po_…`). While an alert with it is not RESOLVED, raising it again
   * only counts an occurrence.
   */
  fingerprint: string;
  /** The outbox topic admins are notified with when the alert opens (its template renders `payload`). */
  topic: AlertTopic;
  payload: Record<string, unknown>;
  at: Date;
}

export interface RaisedAlert {
  alert: Alert;
  /** A new alert: the admins were notified. */
  opened: boolean;
  /** An alert whose snooze had run out found again: the admins were reminded. */
  reminded: boolean;
}

export interface RaiseAlertsOptions {
  /**
   * The summary rule: when this batch would open more than `limit` (default 100) new alerts, it
   * opens none of them and raises one `alerts_summarised` alert with this fingerprint instead (one
   * notification, however long the flood lasts); alerts already open are still counted. A batch
   * under the limit resolves that summary, if open. Give it to runs that raise everything they
   * found in one batch (the monitor's), so a flood of findings is one message, not hundreds.
   */
  summary?: {
    fingerprint: string;
    /** What ran, for the summary's subject (`Payout monitor`). */
    source: string;
    /** The run's time (a summary alert raised or resolved is dated by it). */
    at: Date;
    limit?: number;
  };
}

export interface RaiseAlertsResult {
  raised: RaisedAlert[];
  /** The summary alert raised instead of opening `summarised` alerts (none: not needed). */
  summary: RaisedAlert | null;
  /** How many new alerts the summary stands for (0 when there was no summary). */
  summarised: number;
}

/** Default of `RaiseAlertsOptions.summary.limit`: issue 14 §1 "a run that would open more than 100 alerts opens one summary". */
export const ALERT_SUMMARY_LIMIT = 100;
/** How many of the summarised alerts the summary lists. */
const SUMMARY_SAMPLE = 20;
/** Rows per INSERT: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

/**
 * The alert of a catalog topic: its type is the topic's name without `alert.`, its fingerprint
 * `<type>:<about>`, its severity the one its notification has (`severityOf`), its details the
 * payload. What the existing `alert.*` sites raise.
 * @example
 * await raiseAlert(tx, topicAlert('alert.dispute_lost', { about: dispute.id, subject: `Dispute ${dispute.id} lost`, payload, at: now }));
 */
export function topicAlert(topic: AlertTopic, input: { about: string; subject: string; payload: Record<string, unknown>; at: Date }): AlertInput {
  const type = alertTypeOf(topic);
  return { type, severity: severityOf(topic, input.payload), subject: input.subject, details: input.payload, fingerprint: `${type}:${input.about}`, topic, payload: input.payload, at: input.at };
}

/** `alert.payout_stale` → `payout_stale`. */
export function alertTypeOf(topic: AlertTopic): string {
  return topic.replace(/^alert\./, '');
}

/**
 * Raise an alert in the caller's transaction (DESIGN.md §6): the condition's first raise opens it
 * and queues one notification to the admins (its `topic`, the payload with `alertId`); raising it
 * again while it is open or acknowledged only counts an occurrence and refreshes its subject and
 * details (its severity may rise, never fall) — no second notification. A rolled-back
 * transaction raises nothing. Two transactions raising one condition at once make one alert:
 * the partial unique index on open fingerprints makes the second wait, then count.
 *
 * @example
 * await raiseAlert(tx, {
 *   type: 'payout_retries_exhausted', severity: 'critical', subject: 'Payout po_… failed after 4 attempts',
 *   fingerprint: `payout_retries_exhausted:${payout.id}`, topic: 'alert.payout_retries_exhausted',
 *   payload: { payoutId: payout.id, amount: '12600', currency: 'eur' }, at: now,
 * });
 */
export async function raiseAlert(tx: DbExecutor, input: AlertInput): Promise<RaisedAlert> {
  const { raised } = await raiseAlerts(tx, [input]);
  return raised[0]!;
}

/**
 * Raise many alerts in one go (a check's whole run), with the summary rule of
 * `options.summary`. The same fingerprint twice in a batch counts once (the last wins).
 */
export async function raiseAlerts(tx: DbExecutor, inputs: readonly AlertInput[], options: RaiseAlertsOptions = {}): Promise<RaiseAlertsResult> {
  // In fingerprint order: concurrent batches lock the rows they share in the same order.
  const batch = [...new Map(inputs.map((input) => [input.fingerprint, input])).values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  let toRaise = batch;
  let summary: RaisedAlert | null = null;
  let summarised = 0;
  if (options.summary) {
    const open = await openFingerprints(tx, batch.map((input) => input.fingerprint));
    const fresh = batch.filter((input) => !open.has(input.fingerprint));
    if (fresh.length > (options.summary.limit ?? ALERT_SUMMARY_LIMIT)) {
      toRaise = batch.filter((input) => open.has(input.fingerprint));
      summarised = fresh.length;
      summary = (await upsertAlerts(tx, [summaryAlert(fresh, options.summary)]))[0]!;
    } else {
      await resolveAlertsByFingerprint(tx, { fingerprints: [options.summary.fingerprint], note: 'Cleared: a later run had few enough new alerts to open them one by one', at: options.summary.at });
    }
  }
  const raised: RaisedAlert[] = [];
  for (let start = 0; start < toRaise.length; start += CHUNK) raised.push(...(await upsertAlerts(tx, toRaise.slice(start, start + CHUNK))));
  return { raised, summary, summarised };
}

async function openFingerprints(tx: DbExecutor, fingerprints: string[]): Promise<Set<string>> {
  const open = new Set<string>();
  for (let start = 0; start < fingerprints.length; start += CHUNK) {
    const rows = await tx
      .select({ fingerprint: alerts.fingerprint })
      .from(alerts)
      .where(and(ne(alerts.status, 'RESOLVED'), inArray(alerts.fingerprint, fingerprints.slice(start, start + CHUNK))));
    for (const row of rows) open.add(row.fingerprint);
  }
  return open;
}

/** A severity's rank in SQL, so that an update keeps the graver of two. */
const severityRank = (severity: SQL) => sql`array_position(array['info', 'warning', 'critical'], ${severity})`;

/** Insert-or-count one chunk, then notify what opened and what a lapsed snooze brings back. */
async function upsertAlerts(tx: DbExecutor, inputs: readonly AlertInput[]): Promise<RaisedAlert[]> {
  if (inputs.length === 0) return [];
  const byFingerprint = new Map(inputs.map((input) => [input.fingerprint, input]));
  // A snooze that has run out ends here, once (the row lock makes a concurrent raise see it ended).
  const lapsed = new Set(
    (
      await tx
        .update(alerts)
        .set({ snoozedUntil: null })
        .where(
          and(
            ne(alerts.status, 'RESOLVED'),
            inArray(alerts.fingerprint, [...byFingerprint.keys()]),
            sql`${alerts.snoozedUntil} <= ${maxAt(inputs).toISOString()}::timestamptz`,
          ),
        )
        .returning({ id: alerts.id })
    ).map((row) => row.id),
  );
  const rows = await tx
    .insert(alerts)
    .values(
      inputs.map((input) => ({
        type: input.type,
        severity: input.severity,
        subject: input.subject,
        details: input.details ?? {},
        fingerprint: input.fingerprint,
        status: 'OPEN' as const,
        openedAt: input.at,
        lastSeenAt: input.at,
        occurrences: 1,
      })),
    )
    .onConflictDoUpdate({
      target: alerts.fingerprint,
      targetWhere: sql`status <> 'RESOLVED'`,
      set: {
        occurrences: sql`${alerts.occurrences} + 1`,
        lastSeenAt: sql`greatest(${alerts.lastSeenAt}, excluded.last_seen_at)`,
        subject: sql`excluded.subject`,
        details: sql`excluded.details`,
        severity: sql`case when ${severityRank(sql`excluded.severity`)} > ${severityRank(sql`${alerts.severity}`)} then excluded.severity else ${alerts.severity} end`,
      },
    })
    .returning();
  const raised: RaisedAlert[] = [];
  for (const alert of rows) {
    const input = byFingerprint.get(alert.fingerprint)!;
    // A row this statement inserted has its default count; one it found open has been counted up.
    const opened = alert.occurrences === 1;
    const reminded = !opened && lapsed.has(alert.id);
    if (opened || reminded) {
      const critical = alert.severity === 'critical' && topics[input.topic].severity !== 'critical';
      await enqueueMessage(tx, {
        topic: input.topic,
        recipient: 'admins',
        payload: { ...input.payload, ...(critical && { severity: 'critical' }), alertId: String(alert.id), ...(reminded && { reminder: true, occurrences: alert.occurrences }) },
        dedupeKey: opened ? `${input.topic}:${alert.id}` : `${input.topic}:${alert.id}:reminder:${input.at.toISOString()}`,
        at: input.at,
      });
    }
    raised.push({ alert, opened, reminded });
  }
  return raised;
}

function maxAt(inputs: readonly AlertInput[]): Date {
  return new Date(Math.max(...inputs.map((input) => input.at.getTime())));
}

/** The one alert that stands for a flood of new ones (`RaiseAlertsOptions.summary`). */
function summaryAlert(fresh: readonly AlertInput[], summary: NonNullable<RaiseAlertsOptions['summary']>): AlertInput {
  const byType = new Map<string, number>();
  let severity: AlertSeverity = 'info';
  for (const input of fresh) {
    byType.set(input.type, (byType.get(input.type) ?? 0) + 1);
    severity = graverSeverity(severity, input.severity);
  }
  const types = [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ type, count }));
  const sample = fresh.slice(0, SUMMARY_SAMPLE).map((input) => ({ type: input.type, subject: input.subject, fingerprint: input.fingerprint }));
  return {
    type: 'alerts_summarised',
    severity,
    subject: `${summary.source}: ${fresh.length} new alerts (${types.map((t) => `${t.count} ${t.type}`).join(', ')}), summarised`,
    details: { source: summary.source, count: fresh.length, types, sample },
    fingerprint: summary.fingerprint,
    topic: 'alert.alerts_summarised',
    payload: { source: summary.source, count: fresh.length, types, sample, ...(severity === 'critical' && { severity: 'critical' }) },
    at: summary.at,
  };
}
