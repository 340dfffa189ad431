import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { alerts } from '../../db/schema/index.js';
import type { AlertSeverity, AlertStatus } from '../../domain/alerts/alert-status.js';
import { AppError } from '../../domain/errors/index.js';
import { decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';
import type { Alert } from './raise-alert.js';

export interface ListAlertsInput {
  status?: AlertStatus | undefined;
  severity?: AlertSeverity | undefined;
  type?: string | undefined;
  /** 1–200, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/**
 * Alerts for admins (`GET /api/admin/alerts`), newest first (by id: the order they opened in),
 * filtered by status, severity and type. The cursor is the last id of the page, opaque.
 * @throws AppError INVALID_CURSOR (400)
 */
export async function listAlerts(db: DbExecutor, input: ListAlertsInput = {}): Promise<{ data: Alert[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(alerts.status, input.status));
  if (input.severity) conditions.push(eq(alerts.severity, input.severity));
  if (input.type) conditions.push(eq(alerts.type, input.type));
  if (input.cursor) conditions.push(lt(alerts.id, cursorId(input.cursor)));
  const rows = await db
    .select()
    .from(alerts)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(alerts.id))
    .limit(limit + 1);
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor('id_desc', [String(data.at(-1)!.id)]) : null };
}

function cursorId(cursor: string): bigint {
  const [id] = decodeCursor(cursor, 'id_desc', 1);
  if (id === undefined || !/^\d{1,18}$/.test(id)) throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned', { kind: 'invalid', details: { param: 'cursor' } });
  return BigInt(id);
}
