import { useTranslation } from 'react-i18next';
import type { PayoutStatement } from '../../api/creator-payouts';
import { formatDate } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { MoneyAmount } from '../money-amount';
import { Badge } from '../ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table';

/**
 * The payments a payout covers: what the customer paid, the platform's fee, the creator's share,
 * and the part of that share this payout carries (less than the share when the payment is split
 * across payouts), with the totals.
 */
export function StatementTable({ statement }: { statement: PayoutStatement }) {
  const { t, i18n } = useTranslation();
  const { currency } = statement.payout;
  const { lines, totals } = statement.statement;
  if (lines.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-700">{t('creator:statement.noLines')}</p>;
  return (
    <Table>
      <caption className="sr-only">{t('creator:statement.paymentsTitle')}</caption>
      <TableHeader>
        <TableRow>
          <TableHead>{t('creator:payments.columns.booking')}</TableHead>
          <TableHead>{t('creator:payments.columns.paidAt')}</TableHead>
          <TableHead className="text-right">{t('creator:payments.columns.gross')}</TableHead>
          <TableHead className="text-right">{t('creator:payments.columns.fee')}</TableHead>
          <TableHead className="text-right">{t('creator:payments.columns.net')}</TableHead>
          <TableHead className="text-right">{t('creator:statement.covered')}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {lines.map((line) => {
          const split = line.coveredAmount !== line.netAmount;
          return (
            <TableRow key={line.paymentId}>
              <TableCell className="font-medium whitespace-nowrap">
                {line.bookingId ?? line.paymentId}
                {line.releasedAt !== null && (
                  <span className="block text-xs font-normal text-slate-700">{t('creator:statement.released', { date: formatDate(line.releasedAt, i18n.language) })}</span>
                )}
              </TableCell>
              <TableCell className="whitespace-nowrap">{formatDate(line.paidAt, i18n.language)}</TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={line.grossAmount} currency={currency} />
              </TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={line.feeAmount} currency={currency} />
              </TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={line.netAmount} currency={currency} />
              </TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={line.coveredAmount} currency={currency} className="font-medium" />
                {split && (
                  <span className="mt-0.5 flex justify-end">
                    <Badge tone="info">
                      {t('creator:statement.split', { covered: formatMoney(line.coveredAmount, currency, i18n.language), net: formatMoney(line.netAmount, currency, i18n.language) })}
                    </Badge>
                  </span>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
      <tfoot className="border-t-2 border-slate-200 bg-slate-50 font-semibold">
        <tr>
          <th scope="row" colSpan={2} className="px-3 py-2 text-left">
            {t('creator:statement.total')}
          </th>
          <TableCell className="text-right">
            <MoneyAmount amount={totals.grossAmount} currency={currency} />
          </TableCell>
          <TableCell className="text-right">
            <MoneyAmount amount={totals.feeAmount} currency={currency} />
          </TableCell>
          <TableCell className="text-right">
            <MoneyAmount amount={totals.netAmount} currency={currency} />
          </TableCell>
          <TableCell className="text-right">
            <MoneyAmount amount={totals.coveredAmount} currency={currency} />
          </TableCell>
        </tr>
      </tfoot>
    </Table>
  );
}
