import { useId } from 'react';
import type { AdminAlert } from '../../api/admin-alerts';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { cn } from '../../lib/cn';
import { formatDateTime } from '../../lib/dates';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { AlertStatusBadge, SeverityBadge } from './alert-badges';
import { AlertDetails } from './alert-details';
import { useAlertTypeName } from './alert-filters';

const SEVERITY_EDGE = { critical: 'border-l-red-700', warning: 'border-l-amber-500', info: 'border-l-blue-600' } as const;

export type AlertActionKind = 'acknowledge' | 'resolve' | 'snooze';

/** "you", "the system (the condition cleared)", or the actor as the service records it (`user:usr_…`, `api_key:…`). */
export function useActorName(myActor: string | undefined): (actor: string | null) => string {
  const { t } = useMonitoringTranslation();
  return (actor) => {
    if (!actor) return t('alerts.someone');
    if (actor === myActor) return t('alerts.you');
    if (actor === 'system') return t('alerts.system');
    return actor;
  };
}

/**
 * One alert: severity, status and snooze in words, its type, its headline in the page's language
 * and, under it, what the check found (`subject`, in the service's words: English, with the ids
 * that tell two alerts of one kind apart; the card is named by both), when it was first and last
 * found, who acknowledged or resolved it, the details on demand, and the actions its status allows.
 */
export function AlertCard({
  alert,
  myActor,
  pending,
  onAction,
}: {
  alert: AdminAlert;
  myActor: string | undefined;
  /** The action being sent for this alert, if any. */
  pending: AlertActionKind | undefined;
  onAction: (kind: AlertActionKind, alert: AdminAlert) => void;
}) {
  const { t, i18n } = useMonitoringTranslation();
  const typeName = useAlertTypeName();
  const actorName = useActorName(myActor);
  const id = useId();
  const open = alert.status !== 'RESOLVED';
  const busy = pending !== undefined;
  /** The check's own words differ from the headline: shown under it, and the card is named by both. */
  const found = alert.subject !== alert.headline;

  return (
    <article aria-labelledby={found ? `${id}-subject ${id}-found` : `${id}-subject`} className={cn('rounded-lg border border-l-4 border-slate-200 bg-white p-4 shadow-sm', SEVERITY_EDGE[alert.severity], !open && 'bg-slate-50')}>
      <div className="flex flex-wrap items-center gap-2">
        <SeverityBadge severity={alert.severity} />
        <AlertStatusBadge status={alert.status} />
        {alert.snoozed && alert.snoozedUntil && <Badge tone="neutral">{t('alerts.snoozedUntil', { until: formatDateTime(alert.snoozedUntil, i18n.language) })}</Badge>}
        <span className="text-sm text-slate-700">{typeName(alert.type)}</span>
      </div>
      <h2 id={`${id}-subject`} className="mt-2 text-base font-semibold break-words text-slate-900">
        {alert.headline}
      </h2>
      {found && (
        <p id={`${id}-found`} lang="en" className="mt-0.5 text-sm break-words text-slate-700">
          {alert.subject}
        </p>
      )}
      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <div className="flex gap-1">
          <dt className="text-slate-600">{t('alerts.firstSeen')}</dt>
          <dd className="text-slate-900">{formatDateTime(alert.openedAt, i18n.language)}</dd>
        </div>
        <div className="flex gap-1">
          <dt className="text-slate-600">{t('alerts.lastSeen')}</dt>
          <dd className="text-slate-900">{formatDateTime(alert.lastSeenAt, i18n.language)}</dd>
        </div>
        <div className="flex gap-1">
          <dt className="text-slate-600">{t('alerts.occurrencesLabel')}</dt>
          <dd className="tabular text-slate-900">{t('alerts.occurrences', { count: alert.occurrences })}</dd>
        </div>
      </dl>
      {alert.acknowledgedAt && (
        <p className="mt-1 text-sm text-slate-700">{t('alerts.acknowledgedBy', { by: actorName(alert.acknowledgedBy), at: formatDateTime(alert.acknowledgedAt, i18n.language) })}</p>
      )}
      {alert.resolvedAt && (
        <div className="mt-1 text-sm text-slate-700">
          <p>{t('alerts.resolvedBy', { by: actorName(alert.resolvedBy), at: formatDateTime(alert.resolvedAt, i18n.language) })}</p>
          {alert.resolutionNote && (
            <p>
              {t('alerts.resolutionNote')} <q className="text-slate-900">{alert.resolutionNote}</q>
            </p>
          )}
        </div>
      )}
      <details className="mt-2">
        <summary className="cursor-pointer text-sm font-medium text-indigo-800 hover:underline">{t('alerts.details')}</summary>
        <div className="mt-2">
          <AlertDetails details={alert.details} />
        </div>
      </details>
      {open && (
        <div role="group" aria-label={t('alerts.actionsFor', { subject: alert.headline })} className="mt-3 flex flex-wrap gap-2">
          {alert.status === 'OPEN' && (
            <Button size="sm" disabled={busy} onClick={() => onAction('acknowledge', alert)}>
              {pending === 'acknowledge' ? t('alerts.acknowledging') : t('alerts.actions.acknowledge')}
            </Button>
          )}
          <Button size="sm" variant="outline" disabled={busy} onClick={() => onAction('resolve', alert)}>
            {t('alerts.actions.resolve')}
          </Button>
          <Button size="sm" variant="outline" disabled={busy} onClick={() => onAction('snooze', alert)}>
            {t('alerts.actions.snooze')}
          </Button>
        </div>
      )}
    </article>
  );
}
