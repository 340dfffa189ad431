import { useId, type ReactNode } from 'react';
import type { ReconciliationRun } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { formatDateTime } from '../../lib/dates';
import { Alert } from '../ui/alert';
import { RECONCILIATION_CLASS_LOOK, RECONCILIATION_CLASSES, RunStatusBadge } from './reconciliation-badges';
import { useReconciliationActorName } from './use-reconciliation-actor-name';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-wrap gap-x-1">
      <dt className="text-slate-600">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

/**
 * One run: its status in words, the period it compared, who started it and when, why it failed,
 * the items per class (each named and explained, not told by colour), what it cost at Stripe
 * (objects compared, requests) and the alerts it opened.
 */
export function ReconciliationRunSummary({ run }: { run: ReconciliationRun }) {
  const { t, i18n } = useReconciliationTranslation();
  const actorName = useReconciliationActorName();
  const id = useId();
  const at = (value: string) => formatDateTime(value, i18n.language);
  const number = (value: number) => new Intl.NumberFormat(i18n.language).format(value);

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id={`${id}-title`} className="text-xl font-semibold text-slate-900">
          {t('run.title', { id: run.id })}
        </h2>
        <RunStatusBadge status={run.status} className="px-3 py-1 text-sm" />
        <p className="text-sm font-medium text-slate-800">{t('run.differences', { count: run.differences })}</p>
      </div>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <Fact label={t('run.period')}>{t('run.periodValue', { start: at(run.periodStart), end: at(run.periodEnd) })}</Fact>
        <Fact label={t('run.started')}>{t('run.startedBy', { at: at(run.startedAt), by: actorName(run.startedBy) })}</Fact>
        {run.finishedAt && <Fact label={t('run.finished')}>{at(run.finishedAt)}</Fact>}
      </dl>
      {run.status === 'running' && <p className="text-sm text-slate-700">{t('run.stillRunning')}</p>}
      {run.status === 'failed' && run.error && (
        <Alert tone="warning">
          {t('run.failedBecause')}{' '}
          <span lang="en" className="break-words">
            {run.error}
          </span>
        </Alert>
      )}
      <div>
        <h3 className="sr-only">{t('run.counts')}</h3>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {RECONCILIATION_CLASSES.map((value) => {
            const { Icon } = RECONCILIATION_CLASS_LOOK[value];
            const difference = value !== 'matched' && value !== 'expected';
            const alarming = difference && run.counts[value] > 0;
            return (
              <div key={value} className={alarming ? 'rounded-md border border-l-4 border-amber-300 border-l-amber-600 bg-amber-50 p-3' : 'rounded-md border border-slate-200 p-3'}>
                <dt className="flex items-center gap-1.5 text-sm font-medium text-slate-800">
                  <Icon aria-hidden className="size-4 shrink-0" />
                  {t(`class.${value}`)}
                </dt>
                <dd className="tabular mt-1 text-2xl font-semibold text-slate-900">{number(run.counts[value])}</dd>
                <dd className="mt-0.5 text-xs text-slate-700">{t(`classHint.${value}`)}</dd>
              </div>
            );
          })}
        </dl>
      </div>
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <Fact label={t('run.stripeObjects')}>
          <span className="tabular">{number(run.stripeObjects)}</span>
        </Fact>
        <Fact label={t('run.stripeRequests')}>
          <span className="tabular">{number(run.stripeRequests)}</span>
        </Fact>
        <Fact label={t('run.alertsOpened')}>
          <span className="tabular">{number(run.alertsOpened)}</span>
        </Fact>
      </dl>
      {run.acceptedCount > 0 && <p className="text-sm text-slate-700">{t('run.acceptedEarlier', { count: run.acceptedCount })}</p>}
    </section>
  );
}
