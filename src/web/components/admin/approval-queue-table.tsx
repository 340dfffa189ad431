import { useTranslation } from 'react-i18next';
import type { AdminPayout } from '../../api/admin-payouts';
import { formatDateTime } from '../../lib/dates';
import { MoneyAmount } from '../money-amount';
import { Button } from '../ui/button';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableEmptyRow } from '../ui/table';
import { PayoutFlags } from './payout-flags';
import { useNow } from '../../lib/use-now';
import { WaitingTime } from './waiting-time';

/** The approval queue (seed 002): oldest first, with amounts, flags and why each one waits; Review opens it beside the table. */
export function ApprovalQueueTable({ payouts, selectedId, onReview }: { payouts: readonly AdminPayout[]; selectedId: string | undefined; onReview: (payout: AdminPayout) => void }) {
  const { t, i18n } = useTranslation('admin');
  const now = useNow();
  return (
    <Table>
      <TableCaption className="sr-only">{t('approvals.caption')}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>{t('table.creator')}</TableHead>
          <TableHead className="text-right">{t('table.requested')}</TableHead>
          <TableHead>{t('table.waiting')}</TableHead>
          <TableHead>{t('table.flags')}</TableHead>
          <TableHead>
            <span className="sr-only">{t('table.actions')}</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {payouts.length === 0 && (
          <TableEmptyRow columns={5}>{t('approvals.empty')}</TableEmptyRow>
        )}
        {payouts.map((payout) => {
          const current = payout.id === selectedId;
          return (
            <TableRow key={payout.id} className={current ? 'bg-indigo-50 hover:bg-indigo-50' : undefined}>
              <TableCell>
                <div className="font-medium text-slate-900">{payout.creatorName}</div>
                <div className="text-xs text-slate-600">{payout.creatorEmail}</div>
              </TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={payout.requestedAmount} currency={payout.currency} className="font-medium" />
                <div className="text-xs whitespace-nowrap text-slate-600">
                  {t('approvals.availableNow')} <MoneyAmount amount={payout.availableBalance} currency={payout.currency} />
                </div>
              </TableCell>
              <TableCell>
                <WaitingTime status={payout.status} requestedAt={payout.requestedAt} now={now} />
                <div className="text-xs whitespace-nowrap text-slate-600">{formatDateTime(payout.requestedAt, i18n.language)}</div>
              </TableCell>
              <TableCell>
                <PayoutFlags flags={payout.flags} />
              </TableCell>
              <TableCell className="text-right">
                <Button size="sm" variant={current ? 'default' : 'outline'} aria-pressed={current} onClick={() => onReview(payout)}>
                  {t('actions.review')}
                  <span className="sr-only">{t('approvals.reviewWho', { creator: payout.creatorName })}</span>
                </Button>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
