import { useTranslation } from 'react-i18next';
import { Button } from '../ui/button';

/**
 * Previous / next for a cursor-paginated table. Unavailable buttons stay focusable
 * (`aria-disabled`, not `disabled`) so a keyboard user's focus is not lost on the last page.
 */
export function CursorPagination({
  label,
  page,
  pageSize,
  shown,
  total,
  hasNext,
  onPrevious,
  onNext,
}: {
  /** Names the navigation, e.g. "Pages of held payments". */
  label: string;
  page: number;
  pageSize: number;
  /** Rows on this page. */
  shown: number;
  /** All rows, when the service says how many. */
  total: number | undefined;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => new Intl.NumberFormat(i18n.language).format(value);
  const hasPrevious = page > 1;
  if (!hasPrevious && !hasNext) return null;
  const from = (page - 1) * pageSize + 1;
  const to = (page - 1) * pageSize + shown;
  return (
    <nav aria-label={label} className="mt-2 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
      <span>
        {total === undefined
          ? t('common:pageOf', { page: number(page) })
          : t('creator:pagination.range', { from: number(from), to: number(to), total: number(total) })}
      </span>
      <span className="flex gap-2">
        <Button
          variant="outline"
          size="sm"
          aria-disabled={!hasPrevious}
          className="aria-disabled:cursor-not-allowed aria-disabled:opacity-50"
          onClick={() => hasPrevious && onPrevious()}
        >
          {t('common:previous')}
        </Button>
        <Button variant="outline" size="sm" aria-disabled={!hasNext} className="aria-disabled:cursor-not-allowed aria-disabled:opacity-50" onClick={() => hasNext && onNext()}>
          {t('common:next')}
        </Button>
      </span>
    </nav>
  );
}
