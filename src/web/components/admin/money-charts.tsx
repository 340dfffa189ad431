import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney } from '../../lib/money';

/**
 * Recharts, the way the money pages draw it: amounts in minor units on the Y axis and in the
 * tooltip through the one money formatter, the X axis through the caller's date formatter, lines
 * told apart by their dash as well as their colour (and named in the legend).
 */
export interface MoneySeries<Key extends string> {
  key: Key;
  name: string;
  color: string;
  /** SVG dash pattern: lines differ by more than colour. */
  dash?: string;
}

/** Ticks are round numbers recharts picks; an amount is whole minor units. */
function useMoneyTick(currency: string): (value: unknown) => string {
  const { i18n } = useTranslation();
  return (value) => formatMoney(Math.round(Number(value) || 0), currency, i18n.language);
}

const AXIS = { fontSize: 12, fill: '#334155' };

export function MoneyLineChart<Key extends string>({
  rows,
  xKey,
  formatX,
  series,
  currency,
  timeAxis = false,
}: {
  rows: readonly Record<string, unknown>[];
  /** The rows' field on the X axis: a day (`YYYY-MM-DD`, one row per day), or with `timeAxis` an instant in milliseconds. */
  xKey: string;
  formatX: (value: string) => string;
  series: readonly MoneySeries<Key>[];
  currency: string;
  /** Irregular instants (snapshots): placed by their time, not evenly. */
  timeAxis?: boolean;
}) {
  const tick = useMoneyTick(currency);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows as Record<string, unknown>[]} accessibilityLayer={false} margin={{ top: 8, right: 12, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis
          dataKey={xKey}
          tickFormatter={(value: string | number) => formatX(String(value))}
          tick={AXIS}
          minTickGap={24}
          {...(timeAxis && { type: 'number' as const, scale: 'time' as const, domain: ['dataMin', 'dataMax'] })}
        />
        <YAxis tickFormatter={tick} tick={AXIS} width={92} />
        <Tooltip formatter={(value) => tick(value)} labelFormatter={(label) => formatX(String(label))} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {series.map((line) => (
          <Line key={line.key} type="linear" dataKey={line.key} name={line.name} stroke={line.color} strokeWidth={2} strokeDasharray={line.dash} dot={rows.length <= 14} isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

export function MoneyBarChart<Key extends string>({
  rows,
  xKey,
  formatX,
  series,
  currency,
}: {
  rows: readonly Record<string, unknown>[];
  /** The rows' field on the X axis (a day or an instant, as a string). */
  xKey: string;
  formatX: (value: string) => string;
  series: readonly MoneySeries<Key>[];
  currency: string;
}) {
  const tick = useMoneyTick(currency);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows as Record<string, unknown>[]} accessibilityLayer={false} margin={{ top: 8, right: 12, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey={xKey} tickFormatter={(value: string) => formatX(value)} tick={AXIS} minTickGap={24} />
        <YAxis tickFormatter={tick} tick={AXIS} width={92} />
        <Tooltip formatter={(value) => tick(value)} labelFormatter={(label) => formatX(String(label))} cursor={{ fill: '#f1f5f9' }} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {series.map((bar) => (
          <Bar key={bar.key} dataKey={bar.key} name={bar.name} fill={bar.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
