import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { alerts, reconciliationItems, reconciliationRuns } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { differenceClasses, type ReconciliationClass } from '../../domain/reconciliation/reconciliation-item.js';
import type { Clock } from '../../providers/clock/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor } from '../context.js';
import { decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';
import type { ReconciliationItem, ReconciliationRun } from './reconcile-with-stripe.js';

/** The longest acceptance note. */
export const MAX_ACCEPT_NOTE_LENGTH = 2000;

/** Runs, newest first (`GET /api/admin/reconciliation/runs`). */
export async function listReconciliationRuns(db: DbExecutor, input: { limit?: number | undefined; cursor?: string | undefined } = {}): Promise<{ data: ReconciliationRun[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const rows = await db
    .select()
    .from(reconciliationRuns)
    .where(input.cursor ? lt(reconciliationRuns.id, cursorId(input.cursor)) : undefined)
    .orderBy(desc(reconciliationRuns.id))
    .limit(limit + 1);
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor('id_desc', [String(data.at(-1)!.id)]) : null };
}

/** @throws AppError RECONCILIATION_RUN_NOT_FOUND (404) */
export async function getReconciliationRun(db: DbExecutor, id: string): Promise<ReconciliationRun> {
  const [run] = /^\d{1,18}$/.test(id) ? await db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, BigInt(id))) : [];
  if (!run) throw new AppError('RECONCILIATION_RUN_NOT_FOUND', `No reconciliation run with id ${id}`, { kind: 'not_found' });
  return run;
}

export interface ListItemsInput {
  runId: string;
  class?: ReconciliationClass | undefined;
  /** Only differences nobody has accepted yet. */
  open?: boolean | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** A run's items, differences first by id (`GET /api/admin/reconciliation/runs/:id/items?class=`). */
export async function listReconciliationItems(db: DbExecutor, input: ListItemsInput): Promise<{ data: ReconciliationItem[]; nextCursor: string | null }> {
  const run = await getReconciliationRun(db, input.runId);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  const conditions: SQL[] = [eq(reconciliationItems.runId, run.id)];
  if (input.class) conditions.push(eq(reconciliationItems.class, input.class));
  if (input.open) conditions.push(sql`${reconciliationItems.acceptedAt} is null and ${reconciliationItems.class} in ('mismatched', 'missing_here', 'missing_at_stripe')`);
  if (input.cursor) conditions.push(sql`${reconciliationItems.id} > ${cursorId(input.cursor, 'id_asc')}`);
  const rows = await db
    .select()
    .from(reconciliationItems)
    .where(and(...conditions))
    .orderBy(reconciliationItems.id)
    .limit(limit + 1);
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor('id_asc', [String(data.at(-1)!.id)]) : null };
}

/**
 * An admin closes a difference by accepting it with a note (what it is, why it is right): the
 * item records who and why, its alert is resolved with the note, and later runs that find the
 * same difference carry the acceptance instead of alerting again. Audited
 * (`reconciliation_item.accepted`).
 * @throws AppError RECONCILIATION_NOTE_REQUIRED / RECONCILIATION_NOTE_TOO_LONG (400), RECONCILIATION_ITEM_NOT_FOUND (404),
 *   RECONCILIATION_ITEM_NOT_A_DIFFERENCE / RECONCILIATION_ITEM_ALREADY_ACCEPTED (409)
 */
export async function acceptReconciliationItem(db: Db, input: { id: string; actor: Actor; note: string }, context: { clock: Clock }): Promise<ReconciliationItem> {
  const note = input.note.trim();
  if (note === '') throw new AppError('RECONCILIATION_NOTE_REQUIRED', 'Say why this difference is right: a note is required to accept it', { kind: 'invalid', details: { param: 'note' } });
  if (note.length > MAX_ACCEPT_NOTE_LENGTH) {
    throw new AppError('RECONCILIATION_NOTE_TOO_LONG', `A note has at most ${MAX_ACCEPT_NOTE_LENGTH} characters`, { kind: 'invalid', details: { param: 'note', max: MAX_ACCEPT_NOTE_LENGTH } });
  }
  const now = context.clock.now();
  return db.transaction(async (tx) => {
    const [item] = /^\d{1,18}$/.test(input.id) ? await tx.select().from(reconciliationItems).where(eq(reconciliationItems.id, BigInt(input.id))).for('update') : [];
    if (!item) throw new AppError('RECONCILIATION_ITEM_NOT_FOUND', `No reconciliation item with id ${input.id}`, { kind: 'not_found' });
    if (!differenceClasses.includes(item.class)) {
      throw new AppError('RECONCILIATION_ITEM_NOT_A_DIFFERENCE', `Item ${item.id} is ${item.class}: only differences (mismatched, missing here, missing at Stripe) are accepted`, {
        kind: 'conflict',
        details: { class: item.class },
      });
    }
    if (item.acceptedAt) {
      throw new AppError('RECONCILIATION_ITEM_ALREADY_ACCEPTED', `Item ${item.id} was already accepted by ${item.acceptedBy ?? 'someone'}`, { kind: 'conflict', details: { by: item.acceptedBy } });
    }
    const [accepted] = await tx.update(reconciliationItems).set({ acceptedAt: now, acceptedBy: input.actor, acceptNote: note }).where(eq(reconciliationItems.id, item.id)).returning();
    const fingerprint = `reconciliation_difference:${item.fingerprint}`;
    const resolved = await tx
      .update(alerts)
      .set({ status: 'RESOLVED', resolvedAt: now, resolvedBy: input.actor, resolutionNote: `Accepted: ${note}`, snoozedUntil: null })
      .where(and(eq(alerts.fingerprint, fingerprint), sql`${alerts.status} <> 'RESOLVED'`))
      .returning({ id: alerts.id, status: alerts.status });
    for (const alert of resolved) {
      await recordAuditEvent(tx, { actor: input.actor, action: 'alert.resolved', subjectType: 'alert', subjectId: String(alert.id), toStatus: 'RESOLVED', reason: `Accepted: ${note}`, at: now });
    }
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'reconciliation_item.accepted',
      subjectType: 'reconciliation_item',
      subjectId: String(item.id),
      fromStatus: item.class,
      toStatus: 'accepted',
      amount: item.stripeAmount ?? item.localAmount,
      currency: item.currency?.trim() ?? null,
      reason: note,
      metadata: { runId: String(item.runId), kind: item.kind, stripeId: item.stripeId, localId: item.localId, alertsResolved: resolved.map((a) => String(a.id)) },
      at: now,
    });
    return accepted!;
  });
}

function cursorId(cursor: string, order: 'id_desc' | 'id_asc' = 'id_desc'): bigint {
  const [id] = decodeCursor(cursor, order, 1);
  if (id === undefined || !/^\d{1,18}$/.test(id)) throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned', { kind: 'invalid', details: { param: 'cursor' } });
  return BigInt(id);
}
