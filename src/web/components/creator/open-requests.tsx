import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OpenPayoutRequest } from '../../api/creator-balance';
import { formatDateTime } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { MoneyAmount } from '../money-amount';
import { StatusBadge } from '../status-badge';
import { PayoutExplanation } from './payout-explanation';

/** The creator's payouts not finished yet (awaiting approval, pending, processing), each with why it is not paid yet. */
export function OpenRequests({ requests }: { requests: OpenPayoutRequest[] }) {
  const { t, i18n } = useTranslation();
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <h2 id={headingId} className="text-lg font-semibold text-slate-900">
        {t('creator:open.title')}
      </h2>
      {requests.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-700">{t('creator:open.empty')}</p>
      ) : (
        <ul className="space-y-2">
          {requests.map((payout) => (
            <li key={payout.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <MoneyAmount amount={payout.amount} currency={payout.currency} className="text-lg font-semibold" />
                <StatusBadge status={payout.status} />
                <span className="text-sm text-slate-700">{t('creator:open.requestedAt', { date: formatDateTime(payout.requestedAt, i18n.language) })}</span>
                <Link to={`/dashboard/creator/payouts/${payout.id}`} className="ml-auto text-sm font-medium text-indigo-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-indigo-600">
                  {t('creator:open.viewStatement')}
                  <span className="sr-only">
                    {' '}
                    {t('creator:open.statementOf', { amount: formatMoney(payout.amount, payout.currency, i18n.language), date: formatDateTime(payout.requestedAt, i18n.language) })}
                  </span>
                </Link>
              </div>
              {payout.explanation && (
                <div className="mt-2">
                  <PayoutExplanation explanation={payout.explanation} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
