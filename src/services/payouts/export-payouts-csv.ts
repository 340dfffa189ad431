import { sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { money, toDecimalString } from '../../domain/money/index.js';

/** The columns of the payout export, in order (docs/payout-requests.md). */
export const payoutCsvColumns = [
  'payout_id',
  'creator_id',
  'creator_name',
  'creator_email',
  'status',
  'origin',
  'amount',
  'currency',
  'payments',
  'requested_at',
  'processing_started_at',
  'completed_at',
  'failed_at',
  'stripe_transfer_id',
  'failure_reason',
] as const;

/** A cell of free text (a name, a failure reason) — guarded against spreadsheet formulas. Other cells are written as they are. */
export interface CsvText {
  text: string;
}

/**
 * One CSV record (RFC 4180), CRLF-terminated: a field with a comma, a double quote, CR or LF
 * is quoted, its quotes doubled. Free-text cells (`{ text }`) that a spreadsheet would run as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading `'` (OWASP "CSV injection").
 *
 * @example
 * csvRecord(['po_1', '126.00', { text: 'Ana, "A"' }, null]); // 'po_1,126.00,"Ana, ""A""",\r\n'
 */
export function csvRecord(fields: ReadonlyArray<string | CsvText | null>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(field: string | CsvText | null): string {
  if (field === null) return '';
  const value = typeof field === 'string' ? field : /^[=+\-@\t\r]/.test(field.text) ? `'${field.text}` : field.text;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

type ExportRow = {
  id: string;
  creator_id: string;
  creator_name: string;
  creator_email: string;
  status: string;
  origin: string;
  amount: string;
  currency: string;
  payments: number;
  /** requested_at to the microsecond: the page cursor. */
  cursor_at: string;
  requested_at: string;
  processing_started_at: string | null;
  completed_at: string | null;
  failed_at: string | null;
  stripe_transfer_id: string | null;
  failure_reason: string | null;
};

/** A timestamptz as ISO 8601 UTC with milliseconds, like `Date#toISOString` (null stays null). */
const isoText = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The payout history as CSV, streamed page by page in request order (oldest first): a header
 * record, then one record per payout. Amounts are plain major units (`126.00`, `1000` for JPY)
 * with the currency in its own column; times are ISO 8601 UTC. One creator's payouts, or all.
 * The HTTP export and `payouts export payouts --format csv` both write exactly this.
 *
 * @example
 * for await (const chunk of payoutsCsv(db, { creatorId })) stream.write(chunk);
 */
export async function* payoutsCsv(
  db: DbExecutor,
  filter: { creatorId?: string | undefined },
  options: { pageSize?: number; onPage?: (payouts: number) => void } = {},
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? 1000;
  yield csvRecord(payoutCsvColumns);
  let after: { requestedAt: string; id: string } | undefined;
  for (;;) {
    const { rows } = await db.execute<ExportRow>(sql`
      select p.id, p.creator_id, u.name as creator_name, u.email as creator_email, p.status, p.origin, p.amount::text as amount, p.currency,
        (select count(*)::int from payout_payments pp where pp.payout_id = p.id) as payments,
        to_char(p.requested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at,
        ${isoText(sql`p.requested_at`)} as requested_at, ${isoText(sql`p.processing_started_at`)} as processing_started_at,
        ${isoText(sql`p.completed_at`)} as completed_at, ${isoText(sql`p.failed_at`)} as failed_at,
        p.stripe_transfer_id, p.failure_reason
      from payouts p join creators c on c.id = p.creator_id join users u on u.id = c.user_id
      where true
        ${filter.creatorId !== undefined ? sql`and p.creator_id = ${filter.creatorId}` : sql``}
        ${after ? sql`and (p.requested_at, p.id) > (${after.requestedAt}::timestamptz, ${after.id})` : sql``}
      order by p.requested_at, p.id
      limit ${pageSize}`);
    if (rows.length === 0) return;
    let chunk = '';
    for (const row of rows) {
      chunk += csvRecord([
        row.id,
        row.creator_id,
        { text: row.creator_name },
        { text: row.creator_email },
        row.status,
        row.origin,
        toDecimalString(money(BigInt(row.amount), row.currency)),
        row.currency,
        String(row.payments),
        row.requested_at,
        row.processing_started_at,
        row.completed_at,
        row.failed_at,
        row.stripe_transfer_id,
        row.failure_reason === null ? null : { text: row.failure_reason },
      ]);
    }
    options.onPage?.(rows.length);
    yield chunk;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { requestedAt: last.cursor_at, id: last.id };
  }
}
