import { useId } from 'react';
import type { ReconciliationItemsQuery } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { Select } from '../ui/input';
import { Label } from '../ui/label';

/** What the item list shows (`?show=`): the open differences (the default), one class, or everything. */
export const ITEM_FILTERS = ['open', 'mismatched', 'missing_here', 'missing_at_stripe', 'expected', 'matched', 'all'] as const;
export type ItemFilter = (typeof ITEM_FILTERS)[number];
export const DEFAULT_ITEM_FILTER: ItemFilter = 'open';

export function readItemFilter(params: URLSearchParams): ItemFilter {
  return ITEM_FILTERS.find((filter) => filter === params.get('show')) ?? DEFAULT_ITEM_FILTER;
}

/** The filter as the items route takes it: `?open=true`, `?class=`, or nothing. */
export function itemsQueryFor(filter: ItemFilter): Pick<ReconciliationItemsQuery, 'open' | 'class'> {
  if (filter === 'open') return { open: 'true' };
  if (filter === 'all') return {};
  return { class: filter };
}

/** The one filter of the item list; a change goes to the URL at once (and back to page 1). */
export function ReconciliationItemFilter({ value, onChange }: { value: ItemFilter; onChange: (value: ItemFilter) => void }) {
  const { t } = useReconciliationTranslation();
  const id = useId();
  return (
    <form role="search" aria-label={t('items.filterLabel')} className="flex flex-wrap items-end gap-3" onSubmit={(event) => event.preventDefault()}>
      <div className="space-y-1">
        <Label htmlFor={`${id}-show`}>{t('items.show')}</Label>
        <Select id={`${id}-show`} className="block w-56" value={value} onChange={(event) => onChange(ITEM_FILTERS.find((filter) => filter === event.target.value) ?? DEFAULT_ITEM_FILTER)}>
          {ITEM_FILTERS.map((filter) => (
            <option key={filter} value={filter}>
              {t(`items.filter.${filter}`)}
            </option>
          ))}
        </Select>
      </div>
    </form>
  );
}
