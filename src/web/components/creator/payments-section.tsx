import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PAYMENTS_PAGE_SIZE, useCreatorPayments, type CreatorPayment } from '../../api/creator-payments';
import { formatDate, formatDateTime } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { MoneyAmount } from '../money-amount';
import { QueryState } from '../query-state';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table';
import { CursorPagination } from './cursor-pagination';
import { HeldCountdown } from './held-countdown';
import { secondsLeft, useNow } from './use-now';
import { useCursorPages } from './use-cursor-pages';

export type PaymentList = 'ready' | 'held' | 'paid';
const STATUS = { ready: 'READY', held: 'HELD', paid: 'PAID' } as const;

/**
 * One list of the creator's payments (seed 000: ready, held with a countdown, paid history), a
 * page at a time from `GET /api/payments?status=`, its page kept in the URL (`?held=…`).
 */
export function PaymentsSection({ list, currency, total }: { list: PaymentList; currency: string; total: number | undefined }) {
  const { t } = useTranslation();
  const headingId = useId();
  const pages = useCursorPages(list);
  const query = useCreatorPayments(STATUS[list], currency, pages.cursor);

  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <div>
        <h2 id={headingId} className="text-lg font-semibold text-slate-900">
          {t(`creator:payments.${list}.title`)}
        </h2>
        <p className="text-sm text-slate-700">{t(`creator:payments.${list}.description`)}</p>
      </div>
      <QueryState query={query}>
        {(data) =>
          data.data.length === 0 && pages.page === 1 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-700">{t(`creator:payments.${list}.empty`)}</p>
          ) : (
            <>
              <PaymentsTable list={list} payments={data.data} fetchedAt={query.dataUpdatedAt} caption={t(`creator:payments.${list}.title`)} />
              <CursorPagination
                label={t('creator:pagination.label', { list: t(`creator:payments.${list}.title`) })}
                page={pages.page}
                pageSize={PAYMENTS_PAGE_SIZE}
                shown={data.data.length}
                total={total}
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

function PaymentsTable({ list, payments, fetchedAt, caption }: { list: PaymentList; payments: CreatorPayment[]; fetchedAt: number; caption: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <Table>
      <caption className="sr-only">{caption}</caption>
      <TableHeader>
        <TableRow>
          <TableHead>{t('creator:payments.columns.booking')}</TableHead>
          <TableHead className="text-right">{t('creator:payments.columns.net')}</TableHead>
          {list === 'held' && <TableHead>{t('creator:payments.columns.countdown')}</TableHead>}
          {list === 'held' && <TableHead>{t('creator:payments.columns.releaseDate')}</TableHead>}
          {list === 'ready' && <TableHead>{t('creator:payments.columns.availableSince')}</TableHead>}
          <TableHead>{t('creator:payments.columns.paidAt')}</TableHead>
          <TableHead className="text-right">{t('creator:payments.columns.gross')}</TableHead>
          <TableHead className="text-right">{t('creator:payments.columns.fee')}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {list === 'held' ? (
          <HeldRows payments={payments} fetchedAt={fetchedAt} />
        ) : (
          payments.map((payment) => (
            <TableRow key={payment.id}>
              <PaymentCells payment={payment}>
                {list === 'ready' && <TableCell className="whitespace-nowrap">{formatDate(payment.payoutReleaseDate, locale)}</TableCell>}
              </PaymentCells>
            </TableRow>
          ))
        )}
      </TableBody>
    </Table>
  );
}

/** Held rows tick every second together (one timer for the table, not one per row). */
function HeldRows({ payments, fetchedAt }: { payments: CreatorPayment[]; fetchedAt: number }) {
  const { i18n } = useTranslation();
  const now = useNow(1000);
  return (
    <>
      {payments.map((payment) => (
        <TableRow key={payment.id}>
          <PaymentCells payment={payment}>
            <TableCell className="min-w-56">
              <HeldCountdown seconds={secondsLeft(payment.releaseInSeconds ?? 0, fetchedAt, now)} />
            </TableCell>
            <TableCell className="whitespace-nowrap">{formatDateTime(payment.payoutReleaseDate, i18n.language)}</TableCell>
          </PaymentCells>
        </TableRow>
      ))}
    </>
  );
}

/** The cells every list has: the booking and the creator's share first (what matters on a narrow screen), then `children`, then the detail. */
function PaymentCells({ payment, children }: { payment: CreatorPayment; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <TableCell className="font-medium whitespace-nowrap">{payment.bookingId ?? payment.externalId}</TableCell>
      <TableCell className="text-right">
        {/* A ready payment already partly (or wholly) in a payout shows what is left of it: the ready list then adds up to Available. */}
        {payment.status === 'READY' && payment.allocatedAmount > 0 ? (
          <>
            <MoneyAmount amount={payment.remainingAmount} currency={payment.currency} className="font-medium" />
            <span className="block text-xs whitespace-nowrap text-slate-600">
              {t('creator:payments.left', {
                net: formatMoney(payment.remainingAmount + payment.allocatedAmount, payment.currency, i18n.language),
                allocated: formatMoney(payment.allocatedAmount, payment.currency, i18n.language),
              })}
            </span>
          </>
        ) : (
          <MoneyAmount amount={payment.creatorAmount} currency={payment.currency} className="font-medium" />
        )}
        {payment.refundedAmount > 0 && (
          <span className="block text-xs whitespace-nowrap text-slate-600">
            {t('creator:payments.refunded', { amount: formatMoney(payment.refundedAmount, payment.currency, i18n.language) })}
          </span>
        )}
      </TableCell>
      {children}
      <TableCell className="whitespace-nowrap">{formatDate(payment.paidAt, i18n.language)}</TableCell>
      <TableCell className="text-right">
        <MoneyAmount amount={payment.amount} currency={payment.currency} />
      </TableCell>
      <TableCell className="text-right">
        <MoneyAmount amount={payment.feeAmount} currency={payment.currency} />
      </TableCell>
    </>
  );
}
