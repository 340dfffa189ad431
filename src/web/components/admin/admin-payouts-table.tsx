import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AdminPayout } from '../../api/admin-payouts';
import { formatDateTime } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { MoneyAmount } from '../money-amount';
import { StatusBadge } from '../status-badge';
import { Button } from '../ui/button';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableEmptyRow } from '../ui/table';
import { PayoutFlags } from './payout-flags';
import { OutcomeText, type ProcessResult } from './process-results';
import { StripeAccountLink } from './stripe-account-link';
import { useNow } from '../../lib/use-now';
import { WaitingTime } from './waiting-time';

/** Only a PENDING payout can be processed (PENDING_APPROVAL goes through the approval queue first). */
export function isProcessable(payout: AdminPayout): boolean {
  return payout.status === 'PENDING';
}

/**
 * The admin payout table (seed 000): creator, requested vs available, when, how long it waits,
 * status, flags; a checkbox and a Process button on each row that can be processed.
 */
export function AdminPayoutsTable({
  payouts,
  selected,
  onSelect,
  onSelectAll,
  onProcess,
  results,
  busy,
}: {
  payouts: readonly AdminPayout[];
  selected: ReadonlySet<string>;
  onSelect: (payoutId: string, checked: boolean) => void;
  onSelectAll: (checked: boolean) => void;
  onProcess: (payout: AdminPayout) => void;
  results: ReadonlyMap<string, ProcessResult>;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation('admin');
  const now = useNow();
  const processable = payouts.filter(isProcessable);
  const allSelected = processable.length > 0 && processable.every((payout) => selected.has(payout.id));

  return (
    <Table>
      <TableCaption className="sr-only">{t('payouts.caption')}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead className="w-10">
            <input
              type="checkbox"
              aria-label={t('bulk.selectAll')}
              className="size-4 accent-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              checked={allSelected}
              disabled={processable.length === 0 || busy}
              onChange={(event) => onSelectAll(event.target.checked)}
            />
          </TableHead>
          <TableHead>{t('table.creator')}</TableHead>
          <TableHead className="text-right">{t('table.requested')}</TableHead>
          {/* The longest heading wraps (two short lines) rather than widen the table past a laptop's width. */}
          <TableHead className="min-w-28 text-right whitespace-normal">{t('table.available')}</TableHead>
          <TableHead>{t('table.requestedAt')}</TableHead>
          <TableHead>{t('table.waiting')}</TableHead>
          <TableHead>{t('table.status')}</TableHead>
          <TableHead>{t('table.flags')}</TableHead>
          <TableHead>
            <span className="sr-only">{t('table.actions')}</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {payouts.length === 0 && (
          <TableEmptyRow columns={9}>{t('payouts.empty')}</TableEmptyRow>
        )}
        {payouts.map((payout) => {
          const checkboxId = `select-${payout.id}`;
          const result = results.get(payout.id);
          return (
            <TableRow key={payout.id} className={selected.has(payout.id) ? 'bg-indigo-50/60' : undefined}>
              <TableCell>
                {isProcessable(payout) && (
                  <>
                    <input
                      id={checkboxId}
                      type="checkbox"
                      className="size-4 accent-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                      checked={selected.has(payout.id)}
                      disabled={busy}
                      onChange={(event) => onSelect(payout.id, event.target.checked)}
                    />
                    <label htmlFor={checkboxId} className="sr-only">
                      {t('bulk.selectOne', { creator: payout.creatorName, amount: formatMoney(payout.requestedAmount, payout.currency, i18n.language) })}
                    </label>
                  </>
                )}
              </TableCell>
              <TableCell>
                <div className="font-medium text-slate-900">{payout.creatorName}</div>
                <div className="text-xs text-slate-600">{payout.creatorEmail}</div>
                <StripeAccountLink accountId={payout.stripeAccountId} />
              </TableCell>
              <TableCell className="text-right font-medium">
                <MoneyAmount amount={payout.requestedAmount} currency={payout.currency} />
              </TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={payout.availableBalance} currency={payout.currency} />
              </TableCell>
              <TableCell className="whitespace-nowrap">{formatDateTime(payout.requestedAt, i18n.language)}</TableCell>
              <TableCell>
                <WaitingTime status={payout.status} requestedAt={payout.requestedAt} now={now} />
              </TableCell>
              <TableCell>
                <StatusBadge status={payout.status} />
                {result && (
                  <div className="mt-1 max-w-56 text-xs">
                    <OutcomeText result={result.result} />
                  </div>
                )}
                {payout.status === 'FAILED' && payout.failureReason && <div className="mt-1 max-w-56 text-xs text-slate-700">{payout.failureReason}</div>}
              </TableCell>
              <TableCell>
                <PayoutFlags flags={payout.flags} />
              </TableCell>
              <TableCell className="text-right">
                {isProcessable(payout) && (
                  <Button size="sm" disabled={busy} onClick={() => onProcess(payout)}>
                    {t('actions.process')}
                  </Button>
                )}
                {payout.status === 'PENDING_APPROVAL' && (
                  <Button size="sm" variant="outline" asChild>
                    <Link to={`/dashboard/admin/approvals?payout=${encodeURIComponent(payout.id)}`}>
                      {t('actions.review')}
                      <span className="sr-only">{t('approvals.reviewWho', { creator: payout.creatorName })}</span>
                    </Link>
                  </Button>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
