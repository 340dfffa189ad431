import type { PayoutStatement } from '../../api/creator-payouts';
import { formatAmountForInput } from '../../lib/money';

const COLUMNS = ['payout_id', 'payment_id', 'booking_id', 'paid_at', 'gross_amount', 'fee_amount', 'net_amount', 'covered_amount', 'currency', 'released_at'] as const;

/** A CSV field (RFC 4180); text a spreadsheet would run as a formula gets a leading `'` (as the service's own export does). */
function field(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One payout's statement as CSV, a row per payment covered: amounts in major units with a dot
 * ("126.00", exact, from minor units), whatever the page's language, so spreadsheets read them.
 */
export function statementCsv({ payout, statement }: PayoutStatement): string {
  const amount = (minor: number) => formatAmountForInput(minor, payout.currency, 'en');
  const rows = statement.lines.map((line) => [
    payout.id,
    line.paymentId,
    line.bookingId,
    line.paidAt,
    amount(line.grossAmount),
    amount(line.feeAmount),
    amount(line.netAmount),
    amount(line.coveredAmount),
    payout.currency,
    line.releasedAt,
  ]);
  return [COLUMNS, ...rows].map((row) => `${row.map(field).join(',')}\r\n`).join('');
}
