import { useMonitoringTranslation } from '../../i18n/monitoring';
import { formatDateTime, formatDay } from '../../lib/dates';
import { formatMoney } from '../../lib/money';

/** Keys of an alert's details that hold an amount in minor units of `details.currency` (docs/alerts.md, docs/balance.md). */
const MONEY_KEYS = new Set([
  'amount',
  'available',
  'pending',
  'obligations',
  'requiredReserve',
  'shortfall',
  'runOutShortfall',
  'averageChange',
  'criticalThreshold',
  'warningThreshold',
  'healthyThreshold',
  'transferAmount',
  'reversedAmount',
]);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MINOR_UNITS = /^-?\d{1,18}$/;

/**
 * What a check found, as the service recorded it (`details`, a free-form object): each key in
 * words where the app knows it (else as the service names it), amounts through the money
 * formatter, times through the date formatter, anything else as text.
 */
export function AlertDetails({ details }: { details: Record<string, unknown> }) {
  const { t, i18n } = useMonitoringTranslation();
  const currency = typeof details.currency === 'string' && /^[a-z]{3}$/i.test(details.currency) ? details.currency : undefined;
  const entries = Object.entries(details).filter(([, value]) => value !== null && value !== undefined && value !== '');
  if (entries.length === 0) return <p className="text-sm text-slate-600">{t('alerts.noDetails')}</p>;

  const show = (key: string, value: unknown): string => {
    if (currency && MONEY_KEYS.has(key) && ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && MINOR_UNITS.test(value)))) {
      return formatMoney(BigInt(value), currency, i18n.language);
    }
    if (typeof value === 'string' && INSTANT.test(value)) return formatDateTime(value, i18n.language);
    if (typeof value === 'string' && DAY.test(value)) return formatDay(value, i18n.language);
    if (key === 'currency' && typeof value === 'string') return value.toUpperCase();
    if (typeof value === 'boolean') return t(value ? 'alerts.yes' : 'alerts.no');
    if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return value.join(', ');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  };

  return (
    <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[minmax(10rem,auto)_1fr]">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-slate-600">{t(`details.${key}`, { defaultValue: key })}</dt>
          <dd className="min-w-0 break-words text-slate-900 tabular">{show(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
