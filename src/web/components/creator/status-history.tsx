import { useTranslation } from 'react-i18next';
import { shownStatus, type CreatorPayout } from '../../api/creator-payouts';
import { formatDateTime } from '../../lib/dates';
import { StatusBadge } from '../status-badge';

type Step = { key: string; at: string | null; label: string; status?: string };

/**
 * A payout's life so far, oldest first, from the times the service records (requested, transfer
 * started, paid or failed, the next retry, cancelled or rejected); a cancellation or rejection closes it.
 */
export function StatusHistory({ payout }: { payout: CreatorPayout }) {
  const { t, i18n } = useTranslation();
  const steps: Step[] = [{ key: 'requested', at: payout.requestedAt, label: t(`creator:history.steps.created.${payout.origin}`) }];
  if (payout.processingStartedAt) steps.push({ key: 'processing', at: payout.processingStartedAt, label: t('creator:history.steps.processing'), status: 'PROCESSING' });
  if (payout.failedAt) steps.push({ key: 'failed', at: payout.failedAt, label: t('creator:history.steps.failed'), status: 'FAILED' });
  if (payout.completedAt) steps.push({ key: 'paid', at: payout.completedAt, label: t('creator:history.steps.paid'), status: 'PAID' });
  if (payout.status === 'CANCELLED') {
    const status = shownStatus(payout);
    steps.push({ key: 'cancelled', at: payout.cancelledAt, label: t(status === 'REJECTED' ? 'creator:history.steps.rejected' : 'creator:history.steps.cancelled'), status });
  }
  if (payout.nextRetryAt && payout.status !== 'PAID') steps.push({ key: 'retry', at: payout.nextRetryAt, label: t('creator:history.steps.retry') });
  const dated = steps.filter((step) => step.at !== null).sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : 0));
  const ordered = [...dated, ...steps.filter((step) => step.at === null)];

  return (
    <ol className="relative space-y-4 border-l-2 border-slate-200 pl-5">
      {ordered.map((step) => (
        <li key={step.key} className="relative">
          <span aria-hidden="true" className="absolute top-1.5 -left-[1.6rem] h-3 w-3 rounded-full border-2 border-white bg-indigo-600" />
          <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
            {step.label}
            {step.status !== undefined && <StatusBadge status={step.status} />}
          </p>
          {step.at !== null && (
            <p className="text-sm text-slate-700">
              <time dateTime={step.at}>{formatDateTime(step.at, i18n.language)}</time>
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
