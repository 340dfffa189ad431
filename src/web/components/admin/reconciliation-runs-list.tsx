import { useId } from 'react';
import { Link } from 'react-router';
import type { ReconciliationRun } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { cn } from '../../lib/cn';
import { formatDateTime } from '../../lib/dates';
import { Button } from '../ui/button';
import { RunStatusBadge } from './reconciliation-badges';

/**
 * The runs, newest first, each a link to its page (`?run=`): when it ran, its status and how many
 * differences it found. The one shown is marked (`aria-current`). Older runs a page at a time.
 */
export function ReconciliationRunsList({
  runs,
  selectedId,
  hrefFor,
  hasNewer,
  nextCursor,
  onNewer,
  onOlder,
}: {
  runs: readonly ReconciliationRun[];
  selectedId: string | undefined;
  hrefFor: (runId: string) => string;
  hasNewer: boolean;
  nextCursor: string | null;
  onNewer: () => void;
  onOlder: (cursor: string) => void;
}) {
  const { t, i18n } = useReconciliationTranslation();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
        {t('runs.title')}
      </h2>
      <ul aria-label={t('runs.list')} className="mt-2 divide-y divide-slate-100">
        {runs.map((run) => {
          const current = run.id === selectedId;
          return (
            <li key={run.id}>
              <Link
                to={hrefFor(run.id)}
                aria-current={current ? 'true' : undefined}
                className={cn(
                  'block rounded-md px-2 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600',
                  current ? 'bg-indigo-50 text-indigo-950' : 'text-slate-800 hover:bg-slate-50',
                )}
              >
                <span className="block font-medium">{t('run.title', { id: run.id })}</span>
                <span className="block text-slate-700">{formatDateTime(run.startedAt, i18n.language)}</span>
                <span className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1">
                  <RunStatusBadge status={run.status} />
                  <span className={run.differences > 0 ? 'font-medium text-amber-900' : 'text-slate-700'}>{t('runs.differences', { count: run.differences })}</span>
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
      {(hasNewer || nextCursor) && (
        <nav aria-label={t('runs.pagination')} className="mt-2 flex justify-end gap-2">
          <Button variant="outline" size="sm" disabled={!hasNewer} onClick={onNewer}>
            {t('runs.newer')}
          </Button>
          <Button variant="outline" size="sm" disabled={!nextCursor} onClick={() => nextCursor && onOlder(nextCursor)}>
            {t('runs.older')}
          </Button>
        </nav>
      )}
    </section>
  );
}
