import { eq } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { alerts } from '../../db/schema/index.js';
import type { AlertStatus } from '../../domain/alerts/alert-status.js';
import { AppError } from '../../domain/errors/index.js';
import type { Clock } from '../../providers/clock/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor } from '../context.js';
import type { Alert } from './raise-alert.js';

/** The longest snooze: a condition silenced for longer should be resolved, or its check changed. */
export const MAX_SNOOZE_DAYS = 30;
/** Longest resolution note kept. */
export const MAX_NOTE_LENGTH = 2000;

/**
 * OPEN → ACKNOWLEDGED: someone is on it. Audited (`alert.acknowledged`).
 * @throws AppError ALERT_NOT_FOUND (404), ALERT_ALREADY_ACKNOWLEDGED / ALERT_ALREADY_RESOLVED (409)
 */
export async function acknowledgeAlert(db: Db, input: { id: string; actor: Actor }, context: { clock: Clock }): Promise<Alert> {
  const now = context.clock.now();
  return db.transaction(async (tx) => {
    const alert = await lockAlert(tx, input.id);
    refuseUnless(alert, ['OPEN']);
    const [updated] = await tx.update(alerts).set({ status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedBy: input.actor }).where(eq(alerts.id, alert.id)).returning();
    await audit(tx, alert, updated!, { actor: input.actor, action: 'alert.acknowledged', at: now });
    return updated!;
  });
}

/**
 * OPEN or ACKNOWLEDGED → RESOLVED by an admin, with a note saying what was done (required).
 * Audited (`alert.resolved`). The same condition found again later opens a new alert.
 * @throws AppError ALERT_NOTE_REQUIRED (400), ALERT_NOT_FOUND (404), ALERT_ALREADY_RESOLVED (409)
 */
export async function resolveAlert(db: Db, input: { id: string; actor: Actor; note: string }, context: { clock: Clock }): Promise<Alert> {
  const note = input.note.trim();
  if (note === '') throw new AppError('ALERT_NOTE_REQUIRED', 'Say what was done about the alert: a resolution note is required', { kind: 'invalid', details: { param: 'note' } });
  if (note.length > MAX_NOTE_LENGTH) throw new AppError('ALERT_NOTE_TOO_LONG', `A resolution note has at most ${MAX_NOTE_LENGTH} characters`, { kind: 'invalid', details: { param: 'note', max: MAX_NOTE_LENGTH } });
  const now = context.clock.now();
  return db.transaction(async (tx) => {
    const alert = await lockAlert(tx, input.id);
    refuseUnless(alert, ['OPEN', 'ACKNOWLEDGED']);
    const [updated] = await tx
      .update(alerts)
      .set({ status: 'RESOLVED', resolvedAt: now, resolvedBy: input.actor, resolutionNote: note, snoozedUntil: null })
      .where(eq(alerts.id, alert.id))
      .returning();
    await audit(tx, alert, updated!, { actor: input.actor, action: 'alert.resolved', reason: note, at: now });
    return updated!;
  });
}

/**
 * Silence an OPEN or ACKNOWLEDGED alert until `until` (in the future, at most 30 days ahead); its
 * status stays. If its condition is still found after that, the admins are reminded once. A new
 * snooze replaces the previous one. Audited (`alert.snoozed`).
 * @throws AppError ALERT_SNOOZE_NOT_IN_FUTURE / ALERT_SNOOZE_TOO_LONG (400), ALERT_NOT_FOUND (404), ALERT_ALREADY_RESOLVED (409)
 */
export async function snoozeAlert(db: Db, input: { id: string; actor: Actor; until: Date }, context: { clock: Clock }): Promise<Alert> {
  const now = context.clock.now();
  if (input.until.getTime() <= now.getTime()) {
    throw new AppError('ALERT_SNOOZE_NOT_IN_FUTURE', `Snooze until a time after now (${now.toISOString()})`, { kind: 'invalid', details: { param: 'until', now: now.toISOString() } });
  }
  const latest = new Date(now.getTime() + MAX_SNOOZE_DAYS * 86_400_000);
  if (input.until.getTime() > latest.getTime()) {
    throw new AppError('ALERT_SNOOZE_TOO_LONG', `An alert is snoozed for at most ${MAX_SNOOZE_DAYS} days (until ${latest.toISOString()}); resolve it instead`, {
      kind: 'invalid',
      details: { param: 'until', latest: latest.toISOString() },
    });
  }
  return db.transaction(async (tx) => {
    const alert = await lockAlert(tx, input.id);
    refuseUnless(alert, ['OPEN', 'ACKNOWLEDGED']);
    const [updated] = await tx.update(alerts).set({ snoozedUntil: input.until }).where(eq(alerts.id, alert.id)).returning();
    await audit(tx, alert, updated!, { actor: input.actor, action: 'alert.snoozed', at: now, metadata: { until: input.until.toISOString(), previousUntil: alert.snoozedUntil?.toISOString() ?? null } });
    return updated!;
  });
}

/**
 * The alert, locked for this transaction: of two admins acting on it at once, the second waits
 * here and then sees what the first did (and gets its 409).
 */
async function lockAlert(tx: DbExecutor, id: string): Promise<Alert> {
  const [alert] = /^\d{1,18}$/.test(id) ? await tx.select().from(alerts).where(eq(alerts.id, BigInt(id))).for('update') : [];
  if (!alert) throw new AppError('ALERT_NOT_FOUND', `No alert with id ${id}`, { kind: 'not_found' });
  return alert;
}

function refuseUnless(alert: Alert, allowed: readonly AlertStatus[]): void {
  if (allowed.includes(alert.status)) return;
  const by = alert.status === 'RESOLVED' ? alert.resolvedBy : alert.acknowledgedBy;
  throw new AppError(alert.status === 'RESOLVED' ? 'ALERT_ALREADY_RESOLVED' : 'ALERT_ALREADY_ACKNOWLEDGED', `Alert ${alert.id} is already ${alert.status.toLowerCase()}${by ? ` (by ${by})` : ''}`, {
    kind: 'conflict',
    details: { status: alert.status, by },
  });
}

function audit(tx: DbExecutor, before: Alert, after: Alert, input: { actor: Actor; action: string; at: Date; reason?: string; metadata?: Record<string, unknown> }) {
  return recordAuditEvent(tx, {
    actor: input.actor,
    action: input.action,
    subjectType: 'alert',
    subjectId: String(before.id),
    fromStatus: before.status,
    toStatus: after.status,
    reason: input.reason ?? null,
    metadata: { type: before.type, fingerprint: before.fingerprint, ...input.metadata },
    at: input.at,
  });
}
