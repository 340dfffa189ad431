import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { alerts, auditEvents } from '../../db/schema/index.js';

/** Who resolves an alert whose condition cleared (`resolvedBy`). */
export const SYSTEM_RESOLVER = 'system';

type Alert = typeof alerts.$inferSelect;

export interface ResolveClearedAlertsInput {
  type: string;
  /** The fingerprints of this type that the check still finds; every other open alert of the type has cleared. */
  stillFiring: readonly string[];
  /** Why they are resolved (`resolutionNote`); default "The condition cleared". */
  note?: string;
  at: Date;
}

/**
 * Resolve, in the caller's transaction, the alerts of a check whose condition cleared: every
 * alert of `type` not RESOLVED whose fingerprint the check no longer finds becomes RESOLVED by
 * `system`, audited (`alert.resolved`). For conditions that clear on their own (a stale payout
 * that moved on, a failure rate back under its threshold); the check passes everything it still
 * finds, so an alert is only closed when its own condition is gone.
 */
export async function resolveAlertsWhenCleared(tx: DbExecutor, input: ResolveClearedAlertsInput): Promise<Alert[]> {
  const firing = sql`${textArrayLiteral(input.stillFiring)}::text[]`;
  return resolveWhere(tx, and(eq(alerts.type, input.type), sql`not (${alerts.fingerprint} = any(${firing}))`)!, input.note, input.at);
}

/** Resolve the open alerts of these exact conditions (one that an event ends: a dispute closed). */
export async function resolveAlertsByFingerprint(tx: DbExecutor, input: { fingerprints: readonly string[]; note?: string; at: Date }): Promise<Alert[]> {
  if (input.fingerprints.length === 0) return [];
  return resolveWhere(tx, inArray(alerts.fingerprint, [...input.fingerprints]), input.note, input.at);
}

/** A PostgreSQL array literal (`{"a","b"}`): one parameter however many values, where `inArray` would bind one each. */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

async function resolveWhere(tx: DbExecutor, condition: SQL, note: string | undefined, at: Date): Promise<Alert[]> {
  // Locked first, in id order (as every resolver locks them), to know the status each one leaves.
  const cleared = await tx
    .select({ id: alerts.id, status: alerts.status })
    .from(alerts)
    .where(and(ne(alerts.status, 'RESOLVED'), condition))
    .orderBy(asc(alerts.id))
    .for('update');
  if (cleared.length === 0) return [];
  const resolutionNote = note ?? 'The condition cleared';
  const resolved = await tx
    .update(alerts)
    .set({ status: 'RESOLVED', resolvedAt: at, resolvedBy: SYSTEM_RESOLVER, resolutionNote, snoozedUntil: null })
    .where(
      inArray(
        alerts.id,
        cleared.map((row) => row.id),
      ),
    )
    .returning();
  const previous = new Map(cleared.map((row) => [row.id, row.status]));
  await tx.insert(auditEvents).values(
    resolved.map((alert) => ({
      actor: SYSTEM_RESOLVER,
      action: 'alert.resolved',
      subjectType: 'alert',
      subjectId: String(alert.id),
      fromStatus: previous.get(alert.id) ?? null,
      toStatus: 'RESOLVED',
      reason: resolutionNote,
      metadata: { type: alert.type, fingerprint: alert.fingerprint, automatic: true, occurrences: alert.occurrences },
      createdAt: at,
    })),
  );
  return resolved;
}
