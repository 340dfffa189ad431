import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  useAcceptReconciliationItem,
  useReconciliationItems,
  useReconciliationRun,
  useReconciliationRuns,
  useStartReconciliation,
  type ReconciliationItem,
} from '../../api/admin-reconciliation';
import { ApiError } from '../../api/client';
import { AcceptDifferenceDialog } from '../../components/admin/accept-difference-dialog';
import { AlertActionMessage, type AlertActionOutcome } from '../../components/admin/alert-action-message';
import { CursorPager } from '../../components/admin/cursor-pager';
import { ReconciliationItemCard } from '../../components/admin/reconciliation-item-card';
import { DEFAULT_ITEM_FILTER, itemsQueryFor, readItemFilter, ReconciliationItemFilter, type ItemFilter } from '../../components/admin/reconciliation-item-filter';
import { ReconciliationRunSummary } from '../../components/admin/reconciliation-run-summary';
import { ReconciliationRunsList } from '../../components/admin/reconciliation-runs-list';
import { useCursorPage, withoutCursor } from '../../components/admin/use-cursor-page';
import { useReconciliationActorName } from '../../components/admin/use-reconciliation-actor-name';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { useErrorMessage } from '../../lib/use-error-message';

const RUNS_PAGE_SIZE = 8;
const ITEMS_PAGE_SIZE = 25;

/** Answers that mean the item is no longer what the page showed: another admin accepted it first (409), or it is gone. */
const STALE_CODES = new Set(['RECONCILIATION_ITEM_ALREADY_ACCEPTED', 'RECONCILIATION_ITEM_NOT_A_DIFFERENCE', 'RECONCILIATION_ITEM_NOT_FOUND']);

/**
 * `/dashboard/admin/reconciliation` (issue 14 §4, docs/reconciliation.md): the latest run with
 * Stripe — or the one of `?run=`, where the alert emails link — with its period, status, items
 * per class and what it cost at Stripe; the other runs to pick from; "Reconcile now". Below, the
 * run's items filtered by class (`?show=`, default the open differences), a page at a time
 * (`?cursor=`), each difference with an Accept action that asks for a note.
 */
export default function AdminReconciliationPage() {
  const { t } = useReconciliationTranslation();
  const errorMessage = useErrorMessage();
  const actorName = useReconciliationActorName();
  const [params, setParams] = useSearchParams();
  const requestedRun = params.get('run') || undefined;
  const filter = readItemFilter(params);
  const page = useCursorPage();
  const id = useId();

  // The runs list pages on its own (older runs are rarely wanted, and not worth a place in the URL).
  const [runsCursors, setRunsCursors] = useState<string[]>([]);
  const latestRuns = useReconciliationRuns({ limit: RUNS_PAGE_SIZE });
  const runsCursor = runsCursors.at(-1);
  const runsPage = useReconciliationRuns({ limit: RUNS_PAGE_SIZE, ...(runsCursor && { cursor: runsCursor }) });
  const runId = requestedRun ?? latestRuns.data?.data[0]?.id;
  const run = useReconciliationRun(runId);
  const items = useReconciliationItems(runId, { ...itemsQueryFor(filter), ...(page.cursor && { cursor: page.cursor }), limit: ITEMS_PAGE_SIZE }, { running: run.data?.status === 'running' });

  const start = useStartReconciliation();
  const accept = useAcceptReconciliationItem();
  const [accepting, setAccepting] = useState<ReconciliationItem | null>(null);
  const [outcome, setOutcome] = useState<AlertActionOutcome | null>(null);
  const startOutcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (start.isSuccess || start.isError) startOutcomeRef.current?.focus();
  }, [start.isSuccess, start.isError]);

  /** The address of a run's page, keeping what the list shows (`?show=`) but not its page. */
  const runSearch = (other: string, from: URLSearchParams) => {
    const next = withoutCursor(from);
    next.set('run', other);
    return next;
  };

  const reconcileNow = () => {
    setOutcome(null);
    start.mutate(undefined, { onSuccess: (created) => setParams(runSearch(created.id, new URLSearchParams(window.location.search))) });
  };

  const changeFilter = (value: ItemFilter) => {
    // From the address as it is now, not as this render saw it (the router updates it in a transition).
    const next = withoutCursor(new URLSearchParams(window.location.search));
    if (value === DEFAULT_ITEM_FILTER) next.delete('show');
    else next.set('show', value);
    setParams(next);
  };

  /** A refusal in words: who accepted it first (409), or why the item cannot be accepted. */
  const refusal = (error: unknown): string => {
    if (error instanceof ApiError && error.code === 'RECONCILIATION_ITEM_ALREADY_ACCEPTED') {
      return t('outcome.alreadyAccepted', { by: actorName(typeof error.details?.by === 'string' ? error.details.by : null) });
    }
    return errorMessage(error);
  };

  const openAccept = (item: ReconciliationItem) => {
    accept.reset();
    setAccepting(item);
  };

  const confirmAccept = (note: string) => {
    const item = accepting;
    if (!item) return;
    setOutcome(null);
    start.reset();
    accept.mutate(
      { item, note },
      {
        onSuccess: () => {
          setAccepting(null);
          setOutcome({ tone: 'success', text: t('outcome.accepted'), about: <span lang="en">{item.summary}</span> });
        },
        onError: (error) => {
          // Invalid input stays in the dialog, beside the field; a stale item closes it and says why above the list.
          if (error instanceof ApiError && STALE_CODES.has(error.code)) {
            setAccepting(null);
            setOutcome({ tone: 'warning', text: refusal(error), about: <span lang="en">{item.summary}</span> });
          }
        },
      },
    );
  };

  // 409 RECONCILIATION_RUNNING: another run is going (the daily job, a terminal, another admin); its id when the service says it.
  const runningError = start.error instanceof ApiError && start.error.code === 'RECONCILIATION_RUNNING' ? start.error : undefined;
  const alreadyRunning = runningError !== undefined;
  const runningId = typeof runningError?.details?.runId === 'string' ? runningError.details.runId : undefined;
  const startTone = start.isError ? (alreadyRunning ? 'warning' : 'error') : start.data && start.data.differences > 0 ? 'warning' : 'success';

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Button onClick={reconcileNow} disabled={start.isPending}>
            {start.isPending ? t('reconciling') : t('reconcileNow')}
          </Button>
        }
      />
      {(start.isSuccess || start.isError) && (
        <Alert
          ref={startOutcomeRef}
          tabIndex={-1}
          tone={startTone}
          className="mb-4 flex items-start justify-between gap-4 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <div>
            {start.isSuccess && <p>{t('outcome.reconciled', { count: start.data.differences })}</p>}
            {start.isError && (
              <p>{alreadyRunning ? errorMessage(start.error) : t('outcome.failed', { reason: errorMessage(start.error) })}</p>
            )}
            {runningId !== undefined && runningId !== runId && (
              <Link to={`?${runSearch(runningId, params).toString()}`} className="font-medium underline">
                {t('outcome.openRunning')}
              </Link>
            )}
          </div>
          <Button variant="ghost" size="sm" onClick={() => start.reset()}>
            {t('common:close')}
          </Button>
        </Alert>
      )}
      <AlertActionMessage outcome={outcome} onDismiss={() => setOutcome(null)} />
      <QueryState query={latestRuns}>
        {(latest) =>
          latest.data.length === 0 && requestedRun === undefined ? (
            <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-700">{t('noRunYet')}</p>
          ) : (
            <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_17rem]">
              <div className="min-w-0 lg:col-start-1">
                <QueryState query={run}>
                  {(shown) => (
                    <Updating busy={run.isPlaceholderData}>
                      <ReconciliationRunSummary run={shown} />
                    </Updating>
                  )}
                </QueryState>
              </div>
              <div className="min-w-0 lg:col-start-2 lg:row-span-2 lg:row-start-1">
                <QueryState query={runsPage}>
                  {(runs) => (
                    <ReconciliationRunsList
                      runs={runs.data}
                      selectedId={runId}
                      hrefFor={(other) => `?${runSearch(other, params).toString()}`}
                      hasNewer={runsCursors.length > 0}
                      nextCursor={runs.nextCursor}
                      onNewer={() => setRunsCursors((cursors) => cursors.slice(0, -1))}
                      onOlder={(cursor) => setRunsCursors((cursors) => [...cursors, cursor])}
                    />
                  )}
                </QueryState>
              </div>
              {run.isSuccess && (
                <section aria-labelledby={`${id}-items`} className="min-w-0 lg:col-start-1">
                  <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
                    <h2 id={`${id}-items`} className="text-xl font-semibold text-slate-900">
                      {t('items.title')}
                    </h2>
                    <ReconciliationItemFilter value={filter} onChange={changeFilter} />
                  </div>
                  <QueryState query={items}>
                    {(data) => (
                      <Updating busy={items.isPlaceholderData}>
                        {data.data.length === 0 ? (
                          <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-700">
                            {filter === 'open' ? t('items.empty.open') : t('items.empty.other')}
                          </p>
                        ) : (
                          <ul aria-label={t('items.list', { id: run.data.id })} className="space-y-3">
                            {data.data.map((item) => (
                              <li key={item.id}>
                                <ReconciliationItemCard item={item} pending={accept.isPending && accept.variables?.item.id === item.id} onAccept={openAccept} />
                              </li>
                            ))}
                          </ul>
                        )}
                        <CursorPager page={page} nextCursor={data.nextCursor} label={t('items.pagination')} />
                      </Updating>
                    )}
                  </QueryState>
                </section>
              )}
            </div>
          )
        }
      </QueryState>
      <AcceptDifferenceDialog
        item={accepting}
        pending={accept.isPending}
        error={accepting && !accept.isPending ? accept.error : null}
        onConfirm={confirmAccept}
        onClose={() => setAccepting(null)}
      />
    </>
  );
}
