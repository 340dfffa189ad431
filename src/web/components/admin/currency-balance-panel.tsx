import { TrendingDown, TrendingUp, MoveRight } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { BalanceSnapshot, CurrencyBalance } from '../../api/admin-balance';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { formatDateTime, formatDay, formatShortDateTime } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { MoneyAmount } from '../money-amount';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableEmptyRow } from '../ui/table';
import { SeverityBadge, ThresholdStatusBadge } from './alert-badges';
import { useAlertTypeName } from './alert-filters';
import { ChartOrTable } from './chart-or-table';
import { MoneyLineChart, type MoneySeries } from './money-charts';

const TREND_ICONS = { increasing: TrendingUp, decreasing: TrendingDown, stable: MoveRight } as const;

function Figure({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white p-3">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="tabular mt-1 text-lg font-semibold text-slate-900">{children}</dd>
      {hint !== undefined && <dd className="mt-0.5 text-xs text-slate-600">{hint}</dd>}
    </div>
  );
}

/**
 * What the status is judged against, next to it (docs/balance.md's table): the figure compared
 * (Stripe's available balance) and, per status, the configured amounts and the reserve's
 * fractions — without them "Critical" beside €566 and 90 days of coverage reads as a bug.
 * Currencies other than the platform's have no absolute thresholds, only the reserve.
 */
function ThresholdList({ balance }: { balance: CurrencyBalance }) {
  const { t, i18n } = useMonitoringTranslation();
  const id = useId();
  const { thresholds, balanceStatus: status, currency } = balance;
  const money = (amount: number) => formatMoney(amount, currency, i18n.language);
  const absolute = thresholds.critical !== null && thresholds.warning !== null && thresholds.healthy !== null;
  const rows: { status: 'depleted' | 'critical' | 'warning' | 'healthy'; text: string }[] = [
    { status: 'depleted', text: t('balance.thresholds.depleted', { amount: money(0) }) },
    {
      status: 'critical',
      text: absolute
        ? t('balance.thresholds.critical', { amount: money(thresholds.critical!), reserve: money(thresholds.criticalReserve) })
        : t('balance.thresholds.criticalReserveOnly', { reserve: money(thresholds.criticalReserve) }),
    },
    {
      status: 'warning',
      text: absolute
        ? t('balance.thresholds.warning', { amount: money(thresholds.warning!), reserve: money(thresholds.warningReserve) })
        : t('balance.thresholds.warningReserveOnly', { reserve: money(thresholds.warningReserve) }),
    },
    {
      status: 'healthy',
      text: absolute
        ? t('balance.thresholds.healthy', { amount: money(thresholds.healthy!), reserve: money(status.requiredReserve) })
        : t('balance.thresholds.healthyReserveOnly', { reserve: money(status.requiredReserve) }),
    },
  ];
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
      <p id={`${id}-title`} className="font-medium">
        {t('balance.thresholds.title')}
      </p>
      <p className="text-slate-700">{t('balance.thresholds.comparedWith', { label: t('balance.available'), amount: money(status.availableBalance) })}</p>
      <ul aria-labelledby={`${id}-title`} className="mt-1 space-y-0.5">
        {rows.map((row) => (
          <li key={row.status} aria-current={row.status === status.thresholdStatus ? 'true' : undefined} className={row.status === status.thresholdStatus ? 'font-semibold' : undefined}>
            {t('balance.thresholds.row', { status: t(`threshold.${row.status}`), condition: row.text })}
          </li>
        ))}
      </ul>
      {!absolute && <p className="mt-1 text-slate-700">{t('balance.thresholds.reserveOnly', { currency: currency.toUpperCase() })}</p>}
    </div>
  );
}

/** A number of minor units from the snapshot's metadata (stored as strings), if it is one. */
function metadataAmount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/**
 * One currency of `GET /api/admin/balance`: the latest check's threshold status in words and
 * why, Stripe's balance against what creators are owed and the reserve, how long it lasts, the
 * trend, the balance alerts still open, and the snapshot history as a chart and a table.
 */
export function CurrencyBalancePanel({ balance, history, days }: { balance: CurrencyBalance; history: readonly BalanceSnapshot[]; days: number }) {
  const { t, i18n } = useMonitoringTranslation();
  const typeName = useAlertTypeName();
  const id = useId();
  const { balanceStatus: status, trend, projection, metadata, currency } = balance;
  const money = (amount: number) => formatMoney(amount, currency, i18n.language);
  const code = currency.toUpperCase();
  const buckets = (metadata.obligationsByBucket ?? {}) as Record<string, unknown>;
  const bucketText = (['held', 'available', 'reserved'] as const)
    .map((bucket) => {
      const amount = metadataAmount(buckets[bucket]);
      return amount === undefined ? null : t(`balance.bucket.${bucket}`, { amount: money(amount) });
    })
    .filter(Boolean)
    .join(' · ');
  const frozen = metadataAmount(metadata.frozen);
  const unpaid = typeof metadata.creatorsWithUnpaidEarnings === 'number' ? metadata.creatorsWithUnpaidEarnings : undefined;
  const withoutAccount = typeof metadata.creatorsWithoutPayoutAccount === 'number' ? metadata.creatorsWithoutPayoutAccount : undefined;
  const TrendIcon = trend ? TREND_ICONS[trend.direction] : null;

  const series: MoneySeries<'availableBalance' | 'requiredReserve' | 'pendingObligations'>[] = [
    { key: 'availableBalance', name: t('balance.available'), color: '#4338ca' },
    { key: 'requiredReserve', name: t('balance.requiredReserve'), color: '#b91c1c', dash: '6 4' },
    { key: 'pendingObligations', name: t('balance.obligations'), color: '#475569', dash: '2 3' },
  ];
  // Snapshots are irregular (daily, and on demand): the chart places them by their time.
  const points = history.map((snapshot) => ({ ...snapshot, at: Date.parse(snapshot.takenAt) }));
  const formatTaken = (value: string) => formatShortDateTime(new Date(Number(value)), i18n.language);

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id={`${id}-title`} className="text-xl font-semibold text-slate-900">
          {t('balance.currencyTitle', { currency: code })}
        </h2>
        <ThresholdStatusBadge status={status.thresholdStatus} className="px-3 py-1 text-sm" />
        <p className="text-sm text-slate-700">
          {t(balance.trigger === 'daily' ? 'balance.checkedDaily' : 'balance.checkedOnDemand', { at: formatDateTime(balance.takenAt, i18n.language) })}
        </p>
      </div>
      {status.reasons.length > 0 && (
        <div className="text-sm text-slate-800">
          <p className="font-medium">{t('balance.why')}</p>
          <ul className="ml-5 list-disc">
            {status.reasons.map((reason) => (
              <li key={reason}>{t(`balance.reason.${reason}`, { defaultValue: reason })}</li>
            ))}
          </ul>
        </div>
      )}
      <ThresholdList balance={balance} />
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-3">
        <Figure label={t('balance.available')} hint={t('balance.availableHint')}>
          <MoneyAmount amount={status.availableBalance} currency={currency} />
        </Figure>
        <Figure label={t('balance.pending')} hint={t('balance.pendingHint')}>
          <MoneyAmount amount={status.pendingBalance} currency={currency} />
        </Figure>
        <Figure label={t('balance.obligations')} hint={bucketText || undefined}>
          <MoneyAmount amount={status.pendingObligations} currency={currency} />
        </Figure>
        <Figure label={t('balance.requiredReserve')} hint={t('balance.requiredReserveHint')}>
          <MoneyAmount amount={status.requiredReserve} currency={currency} />
        </Figure>
        <Figure label={t('balance.availableForPayouts')} hint={status.reserveShortfall > 0 ? t('balance.shortfall', { amount: money(status.reserveShortfall) }) : t('balance.availableForPayoutsHint')}>
          <MoneyAmount amount={status.availableForPayouts} currency={currency} />
        </Figure>
        <Figure label={t('balance.daysOfCoverage')} hint={t('balance.daysOfCoverageHint', { days: projection?.horizonDays ?? 90 })}>
          {status.daysOfCoverage === null ? t('balance.beyondHorizon', { days: projection?.horizonDays ?? 90 }) : t('balance.days', { count: status.daysOfCoverage })}
        </Figure>
        <Figure
          label={t('balance.runOut')}
          hint={projection?.runOutShortfall ? t('balance.runOutShortfall', { amount: money(projection.runOutShortfall) }) : t('balance.runOutHint')}
        >
          {projection?.runOutDate ? formatDay(projection.runOutDate, i18n.language) : t('balance.notProjected')}
        </Figure>
        <Figure label={t('balance.reserveBreach')} hint={projection?.reserveBreachDate ? t('balance.reserveBreachHint') : undefined}>
          {projection?.reserveBreachDate ? formatDay(projection.reserveBreachDate, i18n.language) : t('balance.notProjected')}
        </Figure>
        <Figure label={t('balance.trend')} hint={trend ? t('balance.trendHint') : t('balance.noTrendHint')}>
          {trend && TrendIcon ? (
            <span className="inline-flex flex-wrap items-center gap-x-1.5">
              <TrendIcon aria-hidden className="size-5" />
              {t(`balance.direction.${trend.direction}`)}
              <span className="text-sm font-normal text-slate-700">{t('balance.perDay', { amount: `${trend.averageChange > 0 ? '+' : ''}${money(trend.averageChange)}` })}</span>
            </span>
          ) : (
            t('balance.noTrend')
          )}
        </Figure>
      </dl>
      <ul className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-700">
        {unpaid !== undefined && <li>{t('balance.creatorsWithUnpaidEarnings', { count: unpaid })}</li>}
        {withoutAccount !== undefined && <li>{t('balance.creatorsWithoutPayoutAccount', { count: withoutAccount })}</li>}
        {frozen !== undefined && frozen > 0 && <li>{t('balance.frozen', { amount: money(frozen) })}</li>}
      </ul>
      <div>
        <h3 className="text-base font-semibold text-slate-900">{t('balance.openAlerts')}</h3>
        {balance.openAlerts.length === 0 ? (
          <p className="text-sm text-slate-700">{t('balance.noOpenAlerts')}</p>
        ) : (
          <ul className="mt-1 space-y-1">
            {balance.openAlerts.map((alert) => (
              <li key={alert.id} className="flex flex-wrap items-center gap-2 text-sm">
                <SeverityBadge severity={alert.severity} />
                <Link className="font-medium text-indigo-800 underline-offset-2 hover:underline" to={`/dashboard/admin/alerts?type=${encodeURIComponent(alert.type)}`}>
                  {typeName(alert.type)}
                </Link>
                <span className="text-slate-700">{alert.headline}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <ChartOrTable
        headingLevel={3}
        title={t('balance.historyTitle', { currency: code, count: days })}
        summary={t('balance.historySummary', { currency: code, count: history.length })}
        chart={<MoneyLineChart rows={points} xKey="at" timeAxis formatX={formatTaken} series={series} currency={currency} />}
        table={
          <Table>
            <TableCaption className="sr-only">{t('balance.historyCaption', { currency: code })}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead>{t('balance.takenAt')}</TableHead>
                <TableHead>{t('balance.status')}</TableHead>
                <TableHead className="text-right">{t('balance.available')}</TableHead>
                <TableHead className="text-right">{t('balance.pending')}</TableHead>
                <TableHead className="text-right">{t('balance.obligations')}</TableHead>
                <TableHead className="text-right">{t('balance.requiredReserve')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {history.length === 0 && <TableEmptyRow columns={6}>{t('balance.noHistory')}</TableEmptyRow>}
              {[...history].reverse().map((snapshot) => (
                <TableRow key={`${snapshot.takenAt}-${snapshot.trigger}`}>
                  <TableCell className="whitespace-nowrap">{formatDateTime(snapshot.takenAt, i18n.language)}</TableCell>
                  <TableCell>
                    <ThresholdStatusBadge status={snapshot.thresholdStatus} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={snapshot.availableBalance} currency={currency} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={snapshot.pendingBalance} currency={currency} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={snapshot.pendingObligations} currency={currency} />
                  </TableCell>
                  <TableCell className="text-right">
                    <MoneyAmount amount={snapshot.requiredReserve} currency={currency} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        }
      />
    </section>
  );
}
