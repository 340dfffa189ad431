import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

type RunsOperation = paths['/api/admin/reconciliation/runs']['get'];
export type ReconciliationRunsQuery = NonNullable<RunsOperation['parameters']['query']>;
export type ReconciliationRunsPage = RunsOperation['responses'][200]['content']['application/json'];
export type ReconciliationRun = ReconciliationRunsPage['data'][number];
export type ReconciliationRunStatus = ReconciliationRun['status'];

type ItemsOperation = paths['/api/admin/reconciliation/runs/{id}/items']['get'];
export type ReconciliationItemsQuery = NonNullable<ItemsOperation['parameters']['query']>;
export type ReconciliationItemsPage = ItemsOperation['responses'][200]['content']['application/json'];
export type ReconciliationItem = ReconciliationItemsPage['data'][number];
export type ReconciliationClass = ReconciliationItem['class'];

/** Under the admin key: an accepted difference resolves its alert, so the alert lists are refreshed too. */
export const reconciliationQueryKey = [...adminQueryKey, 'reconciliation'] as const;

/** While a run is going (started here, by the daily job or from a terminal), its page looks again this often. */
const RUNNING_REFRESH_MS = 5_000;

/** One page of runs, newest first (`GET /api/admin/reconciliation/runs`); refreshed while one of them is running. */
export function useReconciliationRuns(query: ReconciliationRunsQuery) {
  return useQuery({
    queryKey: [...reconciliationQueryKey, 'runs', query],
    queryFn: () => unwrap(api.GET('/api/admin/reconciliation/runs', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => (current.state.data?.data.some((run) => run.status === 'running') ? RUNNING_REFRESH_MS : false),
  });
}

/** One run (`GET /api/admin/reconciliation/runs/:id`); `id` undefined: none yet. Refreshed until it is no longer running. */
export function useReconciliationRun(id: string | undefined) {
  return useQuery({
    queryKey: [...reconciliationQueryKey, 'run', id],
    queryFn: () => unwrap(api.GET('/api/admin/reconciliation/runs/{id}', { params: { path: { id: id! } } })),
    enabled: id !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (current) => (current.state.data?.status === 'running' ? RUNNING_REFRESH_MS : false),
  });
}

/** One page of a run's items (`GET /api/admin/reconciliation/runs/:id/items`), filtered by class or to the open differences. */
export function useReconciliationItems(runId: string | undefined, query: ReconciliationItemsQuery, options: { running?: boolean } = {}) {
  return useQuery({
    queryKey: [...reconciliationQueryKey, 'items', runId, query],
    queryFn: () => unwrap(api.GET('/api/admin/reconciliation/runs/{id}/items', { params: { path: { id: runId! }, query } })),
    enabled: runId !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: options.running ? RUNNING_REFRESH_MS : false,
  });
}

/**
 * Reconcile now over the default period, the last two days (`POST /api/admin/reconciliation/runs`).
 * The service answers when the run is over, with the run; 409 RECONCILIATION_RUNNING while another
 * is going. Runs opens alerts for differences: every admin list is refreshed either way.
 */
export function useStartReconciliation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/admin/reconciliation/runs', { body: {} })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}

/**
 * Accept a difference with a note (`POST /api/admin/reconciliation/items/:id/accept`). Whatever the
 * answer — a 409 included, when another admin accepted it first — the lists are refreshed, so the
 * page shows the item as it now is.
 */
export function useAcceptReconciliationItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ item, note }: { item: ReconciliationItem; note: string }) => unwrap(api.POST('/api/admin/reconciliation/items/{id}/accept', { params: { path: { id: item.id } }, body: { note } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}
