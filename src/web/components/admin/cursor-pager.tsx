import { useTranslation } from 'react-i18next';
import { Button } from '../ui/button';
import type { useCursorPage } from './use-cursor-page';

/** Previous / next under a table; "previous" from a page opened by link goes back to the first page. */
export function CursorPager({ page, nextCursor, label }: { page: ReturnType<typeof useCursorPage>; nextCursor: string | null | undefined; label: string }) {
  const { t } = useTranslation();
  if (!page.hasPrevious && !nextCursor) return null;
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-end gap-3">
      {page.pageNumber !== undefined && <span className="text-sm text-slate-700">{t('pageOf', { page: page.pageNumber })}</span>}
      <Button variant="outline" size="sm" disabled={!page.hasPrevious} onClick={page.previous}>
        {t('previous')}
      </Button>
      <Button variant="outline" size="sm" disabled={!nextCursor} onClick={() => nextCursor && page.next(nextCursor)}>
        {t('next')}
      </Button>
    </nav>
  );
}
