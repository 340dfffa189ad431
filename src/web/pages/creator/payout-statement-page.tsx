import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { shownStatus, usePayoutStatement } from '../../api/creator-payouts';
import { PayoutExplanation } from '../../components/creator/payout-explanation';
import { StatementDownload } from '../../components/creator/statement-download';
import { StatementTable } from '../../components/creator/statement-table';
import { StatusHistory } from '../../components/creator/status-history';
import { MoneyAmount } from '../../components/money-amount';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../lib/dates';

/**
 * `/dashboard/creator/payouts/:payoutId`: one payout's statement — the payments it covers (gross,
 * fee, net, the part of a split payment), its status history, why it is not paid yet, and CSV.
 */
export default function PayoutStatementPage() {
  const { t, i18n } = useTranslation();
  const { payoutId = '' } = useParams();
  const query = usePayoutStatement(payoutId);
  const paymentsHeading = useId();
  const historyHeading = useId();

  return (
    <>
      <Link
        to="/dashboard/creator/payouts"
        className="mb-3 inline-block text-sm font-medium text-indigo-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span aria-hidden="true">← </span>
        {t('creator:statement.back')}
      </Link>
      <PageHeader title={t('creator:statement.title')} description={payoutId} />
      <QueryState query={query}>
        {(data) => {
          const { payout } = data;
          return (
            <div className="space-y-8">
              <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
                  <Fact label={t('creator:statement.amount')}>
                    <MoneyAmount amount={payout.amount} currency={payout.currency} className="text-2xl font-semibold" />
                  </Fact>
                  <Fact label={t('creator:statement.status')}>
                    <StatusBadge status={shownStatus(payout)} />
                  </Fact>
                  <Fact label={t('creator:statement.requestedAt')}>{formatDateTime(payout.requestedAt, i18n.language)}</Fact>
                  <Fact label={t('creator:statement.origin')}>{t(`creator:statement.origins.${payout.origin}`)}</Fact>
                  {payout.stripeTransferId !== null && (
                    <Fact label={t('creator:statement.transfer')}>
                      <span className="font-mono text-sm break-all">{payout.stripeTransferId}</span>
                    </Fact>
                  )}
                </dl>
                {payout.explanation && (
                  <div className="mt-4 border-t border-slate-200 pt-4">
                    <PayoutExplanation explanation={payout.explanation} />
                  </div>
                )}
              </div>

              <section aria-labelledby={paymentsHeading} className="space-y-2">
                <div className="flex flex-wrap items-end justify-between gap-2">
                  <div>
                    <h2 id={paymentsHeading} className="text-lg font-semibold text-slate-900">
                      {t('creator:statement.paymentsTitle')}
                    </h2>
                    <p className="text-sm text-slate-700">{t('creator:statement.paymentsDescription')}</p>
                  </div>
                  <StatementDownload statement={data} />
                </div>
                <StatementTable statement={data} />
              </section>

              <section aria-labelledby={historyHeading} className="space-y-3">
                <h2 id={historyHeading} className="text-lg font-semibold text-slate-900">
                  {t('creator:statement.historyTitle')}
                </h2>
                <StatusHistory payout={payout} />
              </section>
            </div>
          );
        }}
      </QueryState>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-sm font-medium text-slate-700">{label}</dt>
      <dd className="mt-1 text-slate-900">{children}</dd>
    </div>
  );
}
