import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { auditEvents } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { AuditEventInput } from './record-audit-event.js';

export type AuditEvent = typeof auditEvents.$inferSelect;
export type AuditSubjectType = AuditEventInput['subjectType'];

/** What `recordAuditEvent` writes about; the filter accepts exactly these. */
export const auditSubjectTypes = ['payment', 'payout', 'creator', 'user', 'api_key', 'webhook_event', 'notification', 'alert', 'reconciliation_item'] as const satisfies readonly AuditSubjectType[];

export interface ListAuditEventsInput {
  subjectType?: AuditSubjectType | undefined;
  subjectId?: string | undefined;
  /** Exact actor: `user:<id>`, `api_key:<id>`, `stripe`, `system:<job>`, `cron`. */
  actor?: string | undefined;
  /** Exact action (`payout.paid`), or a prefix ending in `.*` (`payout.*`). */
  action?: string | undefined;
  /** 1–200, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface AuditEventPage {
  /** Newest first (in the order they were written). */
  data: AuditEvent[];
  nextCursor: string | null;
}

/**
 * The audit trail for admins (`GET /api/admin/audit`): who did what to which money, newest
 * first, filtered by subject, actor and action. Events are ordered by their id — the order they
 * were committed in — which the subject index (`subject_type, subject_id, id`) serves directly;
 * the cursor is the last id of the page, opaque.
 * @throws AppError INVALID_CURSOR (400)
 */
export async function listAuditEvents(db: DbExecutor, input: ListAuditEventsInput = {}): Promise<AuditEventPage> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const conditions: SQL[] = [];
  if (input.subjectType) conditions.push(eq(auditEvents.subjectType, input.subjectType));
  if (input.subjectId) conditions.push(eq(auditEvents.subjectId, input.subjectId));
  if (input.actor) conditions.push(eq(auditEvents.actor, input.actor));
  if (input.action) {
    if (input.action.endsWith('.*')) {
      const prefix = input.action.slice(0, -1); // keeps the dot: `payout.`
      // left(…) = prefix rather than LIKE: nothing in the prefix to escape.
      conditions.push(sql`left(${auditEvents.action}, ${prefix.length}) = ${prefix}`);
    } else {
      conditions.push(eq(auditEvents.action, input.action));
    }
  }
  if (input.cursor) conditions.push(lt(auditEvents.id, decodeCursor(input.cursor)));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

function encodeCursor(id: bigint): string {
  return Buffer.from(`audit:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): bigint {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^audit:(\d{1,19})$/.exec(decoded);
  if (!match) throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned', { kind: 'invalid', details: { param: 'cursor' } });
  return BigInt(match[1]!);
}
