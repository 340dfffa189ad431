import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/button';
import { Input, Select } from '../ui/input';
import { Label } from '../ui/label';

export const PAYOUT_STATUSES = ['PENDING_APPROVAL', 'PENDING', 'PROCESSING', 'PAID', 'FAILED', 'CANCELLED'] as const;
export type PayoutStatusFilter = (typeof PAYOUT_STATUSES)[number];

/** The filters as the URL holds them: `?status=PENDING&creatorId=cr_…&from=2026-03-01&to=2026-03-31` (days in the admin's time zone). */
export interface PayoutFilterValues {
  status?: PayoutStatusFilter | undefined;
  creatorId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readPayoutFilters(params: URLSearchParams): PayoutFilterValues {
  const status = params.get('status');
  const day = (name: string) => {
    const value = params.get(name);
    return value && DAY.test(value) ? value : undefined;
  };
  return {
    status: PAYOUT_STATUSES.find((candidate) => candidate === status),
    creatorId: params.get('creatorId') || undefined,
    from: day('from'),
    to: day('to'),
  };
}

/**
 * A day picked in the admin's time zone as the instants the API filters on: `from` its local
 * midnight (included), `to` the next local midnight (excluded), so "to 31 March" includes that day.
 */
export function dayBoundary(day: string | undefined, side: 'from' | 'to'): string | undefined {
  if (!day) return undefined;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, side === 'from' ? date : date + 1).toISOString();
}

export interface CreatorOption {
  id: string;
  name: string;
}

/** Status, creator and request dates; every change goes to the URL at once (and back to page 1). */
export function PayoutFilters({
  values,
  creators,
  onChange,
}: {
  values: PayoutFilterValues;
  creators: readonly CreatorOption[];
  onChange: (values: PayoutFilterValues) => void;
}) {
  const { t } = useTranslation('admin');
  const id = useId();
  const set = (patch: Partial<PayoutFilterValues>) => onChange({ ...values, ...patch });
  const hasFilters = Object.values(values).some((value) => value !== undefined);
  const creatorOptions = values.creatorId && !creators.some((creator) => creator.id === values.creatorId) ? [...creators, { id: values.creatorId, name: values.creatorId }] : creators;

  return (
    <form role="search" aria-label={t('filters.label')} className="mb-4 flex flex-wrap items-end gap-3" onSubmit={(event) => event.preventDefault()}>
      <div className="space-y-1">
        <Label htmlFor={`${id}-status`}>{t('filters.status')}</Label>
        <Select id={`${id}-status`} className="block w-48" value={values.status ?? ''} onChange={(event) => set({ status: PAYOUT_STATUSES.find((status) => status === event.target.value) })}>
          <option value="">{t('filters.allStatuses')}</option>
          {PAYOUT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`common:status.${status}`)}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <Label htmlFor={`${id}-creator`}>{t('filters.creator')}</Label>
        <Select id={`${id}-creator`} className="block w-56" value={values.creatorId ?? ''} onChange={(event) => set({ creatorId: event.target.value || undefined })}>
          <option value="">{t('filters.allCreators')}</option>
          {creatorOptions.map((creator) => (
            <option key={creator.id} value={creator.id}>
              {creator.name}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <Label htmlFor={`${id}-from`}>{t('filters.from')}</Label>
        <Input id={`${id}-from`} type="date" className="w-40" value={values.from ?? ''} max={values.to} onChange={(event) => set({ from: event.target.value || undefined })} />
      </div>
      <div className="space-y-1">
        <Label htmlFor={`${id}-to`}>{t('filters.to')}</Label>
        <Input id={`${id}-to`} type="date" className="w-40" value={values.to ?? ''} min={values.from} onChange={(event) => set({ to: event.target.value || undefined })} />
      </div>
      {hasFilters && (
        <Button type="button" variant="ghost" onClick={() => onChange({})}>
          {t('filters.clear')}
        </Button>
      )}
    </form>
  );
}
