import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useAdminPayouts, useProcessPayout, useProcessPayoutsInBulk, type AdminPayout } from '../../api/admin-payouts';
import { useCreatorOptions } from '../../api/admin-creators';
import { AdminPayoutsTable, isProcessable } from '../../components/admin/admin-payouts-table';
import { BulkProcessDialog } from '../../components/admin/bulk-process-dialog';
import { CursorPager } from '../../components/admin/cursor-pager';
import { dayBoundary, PayoutFilters, readPayoutFilters, type PayoutFilterValues } from '../../components/admin/payout-filters';
import { PayoutSummaryCards } from '../../components/admin/payout-summary-cards';
import { ProcessPayoutDialog } from '../../components/admin/process-payout-dialog';
import { bulkResultError, ProcessResults, type ProcessResult } from '../../components/admin/process-results';
import { useCursorPage, withoutCursor } from '../../components/admin/use-cursor-page';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Button } from '../../components/ui/button';

const PAGE_SIZE = 25;

function resultOf(payout: AdminPayout, result: ProcessResult['result']): ProcessResult {
  return { payoutId: payout.id, creatorName: payout.creatorName, amount: payout.requestedAmount, currency: payout.currency, result };
}

/** `/dashboard/admin/payouts` (seed 000): summary cards, the filtered payout table, Process one or many. */
export default function AdminPayoutsPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const filters = readPayoutFilters(params);
  const page = useCursorPage();
  const payouts = useAdminPayouts({
    ...(filters.status && { status: filters.status }),
    ...(filters.creatorId && { creatorId: filters.creatorId }),
    ...(filters.from && { from: dayBoundary(filters.from, 'from') }),
    ...(filters.to && { to: dayBoundary(filters.to, 'to') }),
    ...(page.cursor && { cursor: page.cursor }),
    limit: PAGE_SIZE,
  });
  const creatorOptions = useCreatorOptions();
  const processOne = useProcessPayout();
  const processMany = useProcessPayoutsInBulk();

  const [confirming, setConfirming] = useState<AdminPayout | null>(null);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<ProcessResult[]>([]);
  const resultsById = useMemo(() => new Map(results.map((entry) => [entry.payoutId, entry])), [results]);

  const rows = payouts.data?.data;
  const selectedPayouts = (rows ?? []).filter((payout) => selected.has(payout.id) && isProcessable(payout));
  // A selection is of rows on screen that can still be processed: others leave it when the table changes.
  useEffect(() => {
    if (!rows) return;
    setSelected((current) => {
      const kept = new Set(rows.filter((payout) => current.has(payout.id) && isProcessable(payout)).map((payout) => payout.id));
      return kept.size === current.size ? current : kept;
    });
  }, [rows]);

  const changeFilters = (values: PayoutFilterValues) => {
    const next = withoutCursor(params);
    for (const key of ['status', 'creatorId', 'from', 'to'] as const) {
      const value = values[key];
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };

  const confirmOne = (notes: string) => {
    const payout = confirming;
    if (!payout) return;
    processOne.mutate(
      { payoutId: payout.id, ...(notes && { notes }) },
      {
        onSuccess: (reply) => setResults([resultOf(payout, { ok: true, outcome: reply.outcome })]),
        onError: (error) => setResults([resultOf(payout, { ok: false, error })]),
        onSettled: () => setConfirming(null),
      },
    );
  };

  const confirmBulk = () => {
    const batch = selectedPayouts;
    processMany.mutate(
      { payoutIds: batch.map((payout) => payout.id) },
      {
        onSuccess: (reply) => {
          const byId = new Map(reply.results.map((result) => [result.payoutId, result]));
          setResults(
            batch.map((payout) => {
              const result = byId.get(payout.id);
              if (result?.ok && result.outcome) return resultOf(payout, { ok: true, outcome: result.outcome });
              return resultOf(payout, { ok: false, error: result ? bulkResultError(result) : new Error(t('outcome.noAnswer')) });
            }),
          );
          setSelected(new Set());
        },
        onError: (error) => setResults(batch.map((payout) => resultOf(payout, { ok: false, error }))),
        onSettled: () => setBulkOpen(false),
      },
    );
  };

  const busy = processOne.isPending || processMany.isPending;

  return (
    <>
      <PageHeader title={t('payouts.title')} description={t('payouts.description')} />
      {payouts.data && <PayoutSummaryCards summary={payouts.data.summary} />}
      <PayoutFilters values={filters} creators={creatorOptions} onChange={changeFilters} />
      <ProcessResults results={results} onDismiss={() => setResults([])} />
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <p className="text-sm text-slate-700" aria-live="polite">
          {t('bulk.selected', { count: selectedPayouts.length })}
        </p>
        <Button size="sm" disabled={selectedPayouts.length === 0 || busy} onClick={() => setBulkOpen(true)}>
          {t('actions.processSelected')}
        </Button>
        {selectedPayouts.length > 0 && (
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
            {t('bulk.clearSelection')}
          </Button>
        )}
      </div>
      <QueryState query={payouts}>
        {(data) => (
          <Updating busy={payouts.isPlaceholderData}>
            <AdminPayoutsTable
              payouts={data.data}
              selected={selected}
              busy={busy}
              results={resultsById}
              onSelect={(payoutId, checked) =>
                setSelected((current) => {
                  const next = new Set(current);
                  if (checked) next.add(payoutId);
                  else next.delete(payoutId);
                  return next;
                })
              }
              onSelectAll={(checked) => setSelected(checked ? new Set(data.data.filter(isProcessable).map((payout) => payout.id)) : new Set())}
              onProcess={setConfirming}
            />
            <CursorPager page={page} nextCursor={data.nextCursor} label={t('payouts.pagination')} />
          </Updating>
        )}
      </QueryState>
      <ProcessPayoutDialog payout={confirming} pending={processOne.isPending} onConfirm={confirmOne} onClose={() => setConfirming(null)} />
      <BulkProcessDialog payouts={selectedPayouts} open={bulkOpen} pending={processMany.isPending} onConfirm={confirmBulk} onClose={() => setBulkOpen(false)} />
    </>
  );
}
