import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PAYOUTS_CSV_URL, PAYOUTS_PAGE_SIZE, shownStatus, useCreatorPayouts } from '../../api/creator-payouts';
import { formatDateTime } from '../../lib/dates';
import { MoneyAmount } from '../money-amount';
import { QueryState } from '../query-state';
import { StatusBadge } from '../status-badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table';
import { CursorPagination } from './cursor-pagination';
import { useCursorPages } from './use-cursor-pages';

/** Every payout of the creator, newest first, a page at a time, each opening its statement; and the CSV of them all. */
export function PayoutHistory() {
  const { t, i18n } = useTranslation();
  const headingId = useId();
  const pages = useCursorPages('payouts');
  const query = useCreatorPayouts(pages.cursor);
  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h2 id={headingId} className="text-lg font-semibold text-slate-900">
            {t('creator:history.title')}
          </h2>
          <p className="text-sm text-slate-700">{t('creator:history.description')}</p>
        </div>
        <a
          href={PAYOUTS_CSV_URL}
          download
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          {t('creator:history.downloadCsv')}
        </a>
      </div>
      <QueryState query={query}>
        {(data) =>
          data.data.length === 0 && pages.page === 1 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-700">{t('creator:history.empty')}</p>
          ) : (
            <>
              <Table>
                <caption className="sr-only">{t('creator:history.title')}</caption>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t('creator:history.columns.requestedAt')}</TableHead>
                    <TableHead className="text-right">{t('creator:history.columns.amount')}</TableHead>
                    <TableHead>{t('creator:history.columns.status')}</TableHead>
                    <TableHead>{t('creator:history.columns.completedAt')}</TableHead>
                    <TableHead>{t('creator:history.columns.statement')}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.data.map((payout) => (
                    <TableRow key={payout.id}>
                      <TableCell className="whitespace-nowrap">{formatDateTime(payout.requestedAt, i18n.language)}</TableCell>
                      <TableCell className="text-right">
                        <MoneyAmount amount={payout.amount} currency={payout.currency} className="font-medium" />
                      </TableCell>
                      <TableCell>
                        <StatusBadge status={shownStatus(payout)} />
                      </TableCell>
                      <TableCell className="whitespace-nowrap">{payout.completedAt ? formatDateTime(payout.completedAt, i18n.language) : '—'}</TableCell>
                      <TableCell>
                        <Link to={`/dashboard/creator/payouts/${payout.id}`} className="font-medium text-indigo-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-indigo-600">
                          {t('creator:history.view')}
                          <span className="sr-only"> {payout.id}</span>
                        </Link>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              <CursorPagination
                label={t('creator:pagination.label', { list: t('creator:history.title') })}
                page={pages.page}
                pageSize={PAYOUTS_PAGE_SIZE}
                shown={data.data.length}
                total={undefined}
                hasNext={data.nextCursor !== null}
                onPrevious={pages.previous}
                onNext={() => data.nextCursor && pages.next(data.nextCursor)}
              />
            </>
          )
        }
      </QueryState>
    </section>
  );
}
