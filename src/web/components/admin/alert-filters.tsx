import { useId } from 'react';
import type { AlertSeverity, AlertStatus } from '../../api/admin-alerts';
import { Button } from '../ui/button';
import { Select } from '../ui/input';
import { Label } from '../ui/label';
import { useMonitoringTranslation } from '../../i18n/monitoring';

export const ALERT_STATUSES: readonly AlertStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

/** The alert types the service raises (docs/alerts.md), for the type filter; an unknown one in the URL is offered as it is. */
export const ALERT_TYPES = [
  'balance_critical',
  'balance_warning',
  'balance_below_reserve',
  'balance_runout_projected',
  'payout_stale',
  'payout_review_overdue',
  'payout_bank_payout_overdue',
  'payout_bank_payout_failed',
  'payout_failure_rate',
  'payout_retries_exhausted',
  'automatic_transfers_failed',
  'payout_unexpected_transfer',
  'payout_transfer_partially_reversed',
  'dispute_created',
  'dispute_lost',
  'webhook_retries_exhausted',
  'webhook_events_failing',
  'reconciliation_difference',
  'alerts_summarised',
] as const;

/** The filters as the URL holds them: `?status=OPEN&severity=critical&type=payout_stale`. */
export interface AlertFilterValues {
  status?: AlertStatus | undefined;
  severity?: AlertSeverity | undefined;
  type?: string | undefined;
}

const TYPE_PATTERN = /^[a-z0-9_.:-]{1,100}$/;

export function readAlertFilters(params: URLSearchParams): AlertFilterValues {
  const type = params.get('type');
  return {
    status: ALERT_STATUSES.find((status) => status === params.get('status')),
    severity: ALERT_SEVERITIES.find((severity) => severity === params.get('severity')),
    type: type && TYPE_PATTERN.test(type) ? type : undefined,
  };
}

/** An alert type in words ("Payout stuck at a stage"); one the app does not know yet, as the service names it. */
export function useAlertTypeName(): (type: string) => string {
  const { t } = useMonitoringTranslation();
  return (type) => t(`alertType.${type}`, { defaultValue: type.replaceAll('_', ' ') });
}

/** Status, severity and type; every change goes to the URL at once (and back to page 1). `onChange` gets only what changed. */
export function AlertFilters({ values, onChange }: { values: AlertFilterValues; onChange: (changed: Partial<AlertFilterValues>) => void }) {
  const { t } = useMonitoringTranslation();
  const typeName = useAlertTypeName();
  const id = useId();
  const hasFilters = Object.values(values).some((value) => value !== undefined);
  const types: readonly string[] = values.type && !(ALERT_TYPES as readonly string[]).includes(values.type) ? [...ALERT_TYPES, values.type] : ALERT_TYPES;

  return (
    <form role="search" aria-label={t('alerts.filters.label')} className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(event) => event.preventDefault()}>
      <div className="space-y-1">
        <Label htmlFor={`${id}-status`}>{t('alerts.filters.status')}</Label>
        <Select id={`${id}-status`} className="block w-44" value={values.status ?? ''} onChange={(event) => onChange({ status: ALERT_STATUSES.find((status) => status === event.target.value) })}>
          <option value="">{t('alerts.filters.allStatuses')}</option>
          {ALERT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`alertStatus.${status}`)}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <Label htmlFor={`${id}-severity`}>{t('alerts.filters.severity')}</Label>
        <Select id={`${id}-severity`} className="block w-48" value={values.severity ?? ''} onChange={(event) => onChange({ severity: ALERT_SEVERITIES.find((severity) => severity === event.target.value) })}>
          <option value="">{t('alerts.filters.allSeverities')}</option>
          {ALERT_SEVERITIES.map((severity) => (
            <option key={severity} value={severity}>
              {t(`severity.${severity}`)}
            </option>
          ))}
        </Select>
      </div>
      <div className="min-w-0 space-y-1">
        <Label htmlFor={`${id}-type`}>{t('alerts.filters.type')}</Label>
        <Select id={`${id}-type`} className="block w-72 max-w-full" value={values.type ?? ''} onChange={(event) => onChange({ type: event.target.value || undefined })}>
          <option value="">{t('alerts.filters.allTypes')}</option>
          {types.map((type) => (
            <option key={type} value={type}>
              {typeName(type)}
            </option>
          ))}
        </Select>
      </div>
      {hasFilters && (
        <Button type="button" variant="ghost" onClick={() => onChange({ status: undefined, severity: undefined, type: undefined })}>
          {t('alerts.filters.clear')}
        </Button>
      )}
    </form>
  );
}
