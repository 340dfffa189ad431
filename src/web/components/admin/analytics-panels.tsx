import type { Analytics, PaymentStatusCounts } from '../../api/admin-analytics';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { formatDay } from '../../lib/dates';
import { MoneyAmount } from '../money-amount';
import { Card, CardTitle, CardValue } from '../ui/card';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableEmptyRow } from '../ui/table';
import { ChartOrTable } from './chart-or-table';
import { MoneyBarChart, MoneyLineChart, type MoneySeries } from './money-charts';

/** Seed 000's cards: revenue, platform fees, creator earnings (the period's, with all time under), payouts pending and completed, the creators' balances now. */
export function AnalyticsSummaryCards({ data }: { data: Analytics }) {
  const { t } = useMonitoringTranslation();
  const { currency } = data;
  const periodCards = [
    { key: 'revenue', figures: data.revenue },
    { key: 'platformFees', figures: data.platformFees },
    { key: 'creatorEarnings', figures: data.creatorEarnings },
  ] as const;

  return (
    <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {periodCards.map((card) => (
        <Card key={card.key} aria-labelledby={`analytics-${card.key}`}>
          <CardTitle id={`analytics-${card.key}`}>{t(`analytics.cards.${card.key}`)}</CardTitle>
          <CardValue>
            <MoneyAmount amount={card.figures.period} currency={currency} />
          </CardValue>
          <p className="mt-1 text-sm text-slate-700">
            {t('analytics.allTime')} <MoneyAmount amount={card.figures.total} currency={currency} />
          </p>
          {card.key === 'revenue' && data.refunds.period > 0 && (
            <p className="text-sm text-slate-700">
              {t('analytics.refundsInPeriod')} <MoneyAmount amount={data.refunds.period} currency={currency} />
            </p>
          )}
        </Card>
      ))}
      <Card aria-labelledby="analytics-payouts-pending">
        <CardTitle id="analytics-payouts-pending">{t('analytics.cards.payoutsPending')}</CardTitle>
        <CardValue>
          <MoneyAmount amount={data.payouts.pending.amount} currency={currency} />
        </CardValue>
        <p className="mt-1 text-sm text-slate-700">{t('analytics.payoutCount', { count: data.payouts.pending.count })}</p>
        <p className="text-xs text-slate-600">{t('analytics.pendingHint')}</p>
      </Card>
      <Card aria-labelledby="analytics-payouts-completed">
        <CardTitle id="analytics-payouts-completed">{t('analytics.cards.payoutsCompleted')}</CardTitle>
        <CardValue>
          <MoneyAmount amount={data.payouts.completedInPeriod.amount} currency={currency} />
        </CardValue>
        <p className="mt-1 text-sm text-slate-700">{t('analytics.payoutCount', { count: data.payouts.completedInPeriod.count })}</p>
        <p className="text-sm text-slate-700">
          {t('analytics.allTime')} <MoneyAmount amount={data.payouts.completed.amount} currency={currency} /> ({t('analytics.payoutCount', { count: data.payouts.completed.count })})
        </p>
      </Card>
      <Card aria-labelledby="analytics-balances" className="sm:col-span-2 lg:col-span-1">
        <CardTitle id="analytics-balances">{t('analytics.cards.balances')}</CardTitle>
        <dl className="mt-1 grid grid-cols-[1fr_auto] gap-x-4 gap-y-0.5 text-sm">
          {(['held', 'available', 'reserved', 'frozen', 'debt'] as const).map((bucket) => (
            <div key={bucket} className="contents">
              <dt className="text-slate-700">{t(`analytics.balances.${bucket}`)}</dt>
              <dd className="text-right font-medium text-slate-900">
                <MoneyAmount amount={data.balances[bucket]} currency={currency} />
              </dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}

type Day = Analytics['daily'][number];

/** The daily series (revenue, fees and earnings; payouts paid) as charts, each with its table. */
export function AnalyticsDailyCharts({ data }: { data: Analytics }) {
  const { t, i18n } = useMonitoringTranslation();
  const { currency } = data;
  const short = (day: string) => formatDay(day, i18n.language, 'short');
  const long = (day: string) => formatDay(day, i18n.language);
  const money: MoneySeries<'revenue' | 'platformFees' | 'creatorEarnings'>[] = [
    { key: 'revenue', name: t('analytics.series.revenue'), color: '#4338ca' },
    { key: 'creatorEarnings', name: t('analytics.series.creatorEarnings'), color: '#047857', dash: '6 4' },
    { key: 'platformFees', name: t('analytics.series.platformFees'), color: '#b45309', dash: '2 3' },
  ];
  const payouts: MoneySeries<'payoutsPaidAmount'>[] = [{ key: 'payoutsPaidAmount', name: t('analytics.series.payoutsPaid'), color: '#4338ca' }];
  const rowsNewestFirst: Day[] = [...data.daily].reverse();

  return (
    <div className="mb-6 grid gap-4 xl:grid-cols-2">
      <ChartOrTable
        title={t('analytics.revenueChart')}
        summary={t('analytics.revenueChartSummary', { count: data.daily.length })}
        chart={<MoneyLineChart rows={data.daily} xKey="date" formatX={short} series={money} currency={currency} />}
        table={
          <Table>
            <TableCaption className="sr-only">{t('analytics.revenueChart')}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead>{t('analytics.day')}</TableHead>
                <TableHead className="text-right">{t('analytics.payments')}</TableHead>
                <TableHead className="text-right">{t('analytics.series.revenue')}</TableHead>
                <TableHead className="text-right">{t('analytics.refunds')}</TableHead>
                <TableHead className="text-right">{t('analytics.series.platformFees')}</TableHead>
                <TableHead className="text-right">{t('analytics.series.creatorEarnings')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rowsNewestFirst.map((day) => (
                <TableRow key={day.date}>
                  <TableCell className="whitespace-nowrap">{long(day.date)}</TableCell>
                  <TableCell className="tabular text-right">{day.payments}</TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={day.revenue} currency={currency} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={day.refunds} currency={currency} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={day.platformFees} currency={currency} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={day.creatorEarnings} currency={currency} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        }
      />
      <ChartOrTable
        title={t('analytics.payoutsChart')}
        summary={t('analytics.payoutsChartSummary', { count: data.daily.length })}
        chart={<MoneyBarChart rows={data.daily} xKey="date" formatX={short} series={payouts} currency={currency} />}
        table={
          <Table>
            <TableCaption className="sr-only">{t('analytics.payoutsChart')}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead>{t('analytics.day')}</TableHead>
                <TableHead className="text-right">{t('analytics.payoutsPaidCount')}</TableHead>
                <TableHead className="text-right">{t('analytics.series.payoutsPaid')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rowsNewestFirst.map((day) => (
                <TableRow key={day.date}>
                  <TableCell className="whitespace-nowrap">{long(day.date)}</TableCell>
                  <TableCell className="tabular text-right">{day.payoutsPaid}</TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={day.payoutsPaidAmount} currency={currency} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        }
      />
    </div>
  );
}

/** The period's ten highest earners. */
export function TopCreatorsTable({ data }: { data: Analytics }) {
  const { t } = useMonitoringTranslation();
  return (
    <section aria-labelledby="analytics-top-creators" className="min-w-0">
      <h2 id="analytics-top-creators" className="mb-2 text-base font-semibold text-slate-900">
        {t('analytics.topCreators')}
      </h2>
      <Table>
        <TableCaption className="sr-only">{t('analytics.topCreatorsCaption')}</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead className="hidden w-10 sm:table-cell">{t('analytics.rank')}</TableHead>
            <TableHead>{t('analytics.creator')}</TableHead>
            <TableHead className="hidden text-right sm:table-cell">{t('analytics.payments')}</TableHead>
            <TableHead className="text-right">{t('analytics.series.revenue')}</TableHead>
            <TableHead className="text-right">{t('analytics.earnings')}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {data.topCreators.length === 0 && <TableEmptyRow columns={5}>{t('analytics.noCreators')}</TableEmptyRow>}
          {data.topCreators.map((creator, index) => (
            <TableRow key={creator.creatorId}>
              <TableCell className="tabular hidden sm:table-cell">{index + 1}</TableCell>
              <TableCell>
                <div className="font-medium text-slate-900">{creator.name}</div>
                <div className="hidden text-xs text-slate-600 sm:block">{creator.email}</div>
                <div className="text-xs text-slate-600 sm:hidden">{t('analytics.paymentCount', { count: creator.payments })}</div>
              </TableCell>
              <TableCell className="tabular hidden text-right sm:table-cell">{creator.payments}</TableCell>
              <TableCell className="text-right">
                <MoneyAmount amount={creator.revenue} currency={data.currency} />
              </TableCell>
              <TableCell className="text-right font-medium">
                <MoneyAmount amount={creator.earnings} currency={data.currency} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}

const STATUS_ORDER: readonly (keyof PaymentStatusCounts)[] = ['HELD', 'READY', 'PROCESSING', 'PAID', 'DISPUTED', 'REFUNDED', 'CANCELLED'];

/** How the period's payments stand now: a count and share per status, with a bar drawn beside the figures. */
export function PaymentStatusTable({ data }: { data: Analytics }) {
  const { t, i18n } = useMonitoringTranslation();
  const total = STATUS_ORDER.reduce((sum, status) => sum + data.paymentStatuses[status], 0);
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  return (
    <section aria-labelledby="analytics-payment-statuses" className="min-w-0">
      <h2 id="analytics-payment-statuses" className="mb-2 text-base font-semibold text-slate-900">
        {t('analytics.paymentStatuses')}
      </h2>
      <Table>
        <TableCaption className="sr-only">{t('analytics.paymentStatusesCaption')}</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>{t('analytics.status')}</TableHead>
            <TableHead className="text-right">{t('analytics.payments')}</TableHead>
            <TableHead className="text-right">{t('analytics.share')}</TableHead>
            <TableHead className="w-2/5">
              <span className="sr-only">{t('analytics.shareBar')}</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {STATUS_ORDER.map((status) => {
            const count = data.paymentStatuses[status];
            const share = total === 0 ? 0 : count / total;
            return (
              <TableRow key={status}>
                <TableCell>{t(`paymentStatus.${status}`)}</TableCell>
                <TableCell className="tabular text-right">{count}</TableCell>
                <TableCell className="tabular text-right">{percent.format(share)}</TableCell>
                <TableCell>
                  <div aria-hidden className="h-2.5 w-full rounded-full bg-slate-100">
                    <div className="h-2.5 rounded-full bg-indigo-700" style={{ width: `${Math.round(share * 100)}%` }} />
                  </div>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <p className="mt-1 text-sm text-slate-700">{t('analytics.paymentsInPeriod', { count: total })}</p>
    </section>
  );
}
