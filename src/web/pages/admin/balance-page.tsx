import { useEffect, useId, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { useCheckPlatformBalance, usePlatformBalance } from '../../api/admin-balance';
import { CurrencyBalancePanel } from '../../components/admin/currency-balance-panel';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Select } from '../../components/ui/input';
import { Label } from '../../components/ui/label';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { useErrorMessage } from '../../lib/use-error-message';

const HISTORY_DAYS = [7, 30, 90, 365] as const;
const DEFAULT_DAYS = 30;

/**
 * `/dashboard/admin/balance` (seed 002 §5, issue 14 §2): per currency, the latest platform
 * balance check — threshold status in words, Stripe's balance against what creators are owed
 * and the 120 % reserve, days of coverage, projected run-out, trend, open balance alerts — and
 * the snapshot history (`?days=`) as a chart with its table. "Check now" runs the check.
 */
export default function AdminBalancePage() {
  const { t } = useMonitoringTranslation();
  const errorMessage = useErrorMessage();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const days = HISTORY_DAYS.find((value) => String(value) === params.get('days')) ?? DEFAULT_DAYS;
  const balance = usePlatformBalance({ days });
  const check = useCheckPlatformBalance();
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (check.isSuccess || check.isError) outcomeRef.current?.focus();
  }, [check.isSuccess, check.isError]);

  const changeDays = (value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value === String(DEFAULT_DAYS)) next.delete('days');
    else next.set('days', value);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={t('balance.title')}
        description={t('balance.description')}
        actions={
          <Button onClick={() => check.mutate()} disabled={check.isPending}>
            {check.isPending ? t('balance.checking') : t('balance.checkNow')}
          </Button>
        }
      />
      {(check.isSuccess || check.isError) && (
        <Alert ref={outcomeRef} tabIndex={-1} tone={check.isError ? 'error' : 'success'} className="mb-4 flex items-start justify-between gap-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
          <span>{check.isError ? t('balance.checkFailed', { reason: errorMessage(check.error) }) : t('balance.checked')}</span>
          <Button variant="ghost" size="sm" onClick={() => check.reset()}>
            {t('common:close')}
          </Button>
        </Alert>
      )}
      <div className="mb-6 flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <Label htmlFor={`${id}-days`}>{t('balance.historyDays')}</Label>
          <Select id={`${id}-days`} className="block w-48" value={String(days)} onChange={(event) => changeDays(event.target.value)}>
            {HISTORY_DAYS.map((value) => (
              <option key={value} value={value}>
                {t('balance.lastDays', { count: value })}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <QueryState query={balance}>
        {(data) => (
          <Updating busy={balance.isPlaceholderData}>
            {data.currencies.length === 0 ? (
              <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-700">{t('balance.noCheckYet')}</p>
            ) : (
              <div className="space-y-10">
                {data.currencies.map((entry) => (
                  <CurrencyBalancePanel key={entry.currency} balance={entry} days={data.days} history={data.history.filter((snapshot) => snapshot.currency === entry.currency)} />
                ))}
              </div>
            )}
          </Updating>
        )}
      </QueryState>
    </>
  );
}
