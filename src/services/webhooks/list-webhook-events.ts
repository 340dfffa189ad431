import { and, desc, eq, getTableColumns, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { WebhookEventRow } from './record-webhook-attempt.js';

export type WebhookEventStatus = WebhookEventRow['status'];

export interface WebhookEventStats {
  total: number;
  processing: number;
  completed: number;
  failed: number;
  ignored: number;
  /** Copies received after the first, over all stored events (seed 002 §4). */
  duplicates: number;
}

export interface ListWebhookEventsInput {
  status?: WebhookEventStatus | undefined;
  type?: string | undefined;
  /** 1–200, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface WebhookEventPage {
  /** Newest first; without payloads (read one event for its payload). */
  data: Array<Omit<WebhookEventRow, 'payload'>>;
  nextCursor: string | null;
  stats: WebhookEventStats;
}

/**
 * Stored webhook events for the admin view, newest first, filtered by status and type, with the
 * statistics of seed 002 §4 over every stored event (not just this page or filter). The cursor is
 * opaque: the position after the page's last row.
 * @throws AppError INVALID_CURSOR
 */
export async function listWebhookEvents(db: DbExecutor, input: ListWebhookEventsInput = {}): Promise<WebhookEventPage> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(webhookEvents.status, input.status));
  if (input.type) conditions.push(eq(webhookEvents.type, input.type));
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    conditions.push(or(lt(webhookEvents.receivedAt, after.receivedAt), and(eq(webhookEvents.receivedAt, after.receivedAt), lt(webhookEvents.id, after.id)))!);
  }
  const { payload: _payload, ...columns } = getTableColumns(webhookEvents);
  const rows = await db
    .select(columns)
    .from(webhookEvents)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    stats: await webhookEventStats(db),
  };
}

export async function webhookEventStats(db: DbExecutor): Promise<WebhookEventStats> {
  const result = await db.execute<Record<keyof WebhookEventStats, number>>(sql`
    select count(*)::int as total,
           count(*) filter (where status = 'processing')::int as processing,
           count(*) filter (where status = 'completed')::int as completed,
           count(*) filter (where status = 'failed')::int as failed,
           count(*) filter (where status = 'ignored')::int as ignored,
           coalesce(sum(duplicates), 0)::int as duplicates
    from ${webhookEvents}`);
  const row = result.rows[0];
  return {
    total: row?.total ?? 0,
    processing: row?.processing ?? 0,
    completed: row?.completed ?? 0,
    failed: row?.failed ?? 0,
    ignored: row?.ignored ?? 0,
    duplicates: row?.duplicates ?? 0,
  };
}

function encodeCursor(row: { receivedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.receivedAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  try {
    const [receivedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof receivedAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(receivedAt))) return { receivedAt: new Date(receivedAt), id };
  } catch {
    // fall through to the error below
  }
  throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned', { kind: 'invalid', details: { param: 'cursor' } });
}
