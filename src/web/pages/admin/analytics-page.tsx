import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { ANALYTICS_PERIODS, useAnalytics, type AnalyticsPeriod } from '../../api/admin-analytics';
import { AnalyticsDailyCharts, AnalyticsSummaryCards, PaymentStatusTable, TopCreatorsTable } from '../../components/admin/analytics-panels';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Select } from '../../components/ui/input';
import { Label } from '../../components/ui/label';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { formatDay } from '../../lib/dates';

const DEFAULT_PERIOD: AnalyticsPeriod = '30';
const CURRENCY = /^[a-z]{3}$/;

/**
 * `/dashboard/admin/analytics` (seed 000, issue 14 §6): the period (`?period=7|30|90|365`, days
 * ending today, UTC) and currency (`?currency=`) in the URL; summary cards, the daily series as
 * charts with their tables, the top creators and how the period's payments stand.
 */
export default function AdminAnalyticsPage() {
  const { t, i18n } = useMonitoringTranslation();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const period = ANALYTICS_PERIODS.find((value) => value === params.get('period')) ?? DEFAULT_PERIOD;
  const wantedCurrency = params.get('currency')?.toLowerCase();
  const currency = wantedCurrency && CURRENCY.test(wantedCurrency) ? wantedCurrency : undefined;
  const analytics = useAnalytics({ period, currency });

  const change = (key: 'period' | 'currency', value: string | undefined) => {
    // From the address as it is now (the router updates `params` in a transition): one change never undoes the one before.
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const currencies = analytics.data?.currencies ?? [];
  const shownCurrency = analytics.data?.currency ?? currency;
  const currencyOptions = shownCurrency && !currencies.includes(shownCurrency) ? [...currencies, shownCurrency] : currencies;

  return (
    <>
      <PageHeader title={t('analytics.title')} description={t('analytics.description')} />
      <div className="mb-6 flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <Label htmlFor={`${id}-period`}>{t('analytics.period')}</Label>
          <Select id={`${id}-period`} className="block w-48" value={period} onChange={(event) => change('period', event.target.value === DEFAULT_PERIOD ? undefined : event.target.value)}>
            {ANALYTICS_PERIODS.map((value) => (
              <option key={value} value={value}>
                {t('analytics.lastDays', { count: Number(value) })}
              </option>
            ))}
          </Select>
        </div>
        {currencyOptions.length > 1 && (
          <div className="space-y-1">
            <Label htmlFor={`${id}-currency`}>{t('analytics.currency')}</Label>
            <Select id={`${id}-currency`} className="block w-32" value={shownCurrency} onChange={(event) => change('currency', event.target.value)}>
              {currencyOptions.map((code) => (
                <option key={code} value={code}>
                  {code.toUpperCase()}
                </option>
              ))}
            </Select>
          </div>
        )}
        {analytics.data && (
          <p className="pb-2 text-sm text-slate-700" aria-live="polite">
            {t('analytics.range', {
              from: formatDay(analytics.data.period.from, i18n.language),
              to: formatDay(analytics.data.period.to, i18n.language),
              currency: analytics.data.currency.toUpperCase(),
            })}
          </p>
        )}
      </div>
      <QueryState query={analytics}>
        {(data) => (
          <Updating busy={analytics.isPlaceholderData}>
            <AnalyticsSummaryCards data={data} />
            <AnalyticsDailyCharts data={data} />
            <div className="grid items-start gap-6 xl:grid-cols-2">
              <TopCreatorsTable data={data} />
              <PaymentStatusTable data={data} />
            </div>
          </Updating>
        )}
      </QueryState>
    </>
  );
}
