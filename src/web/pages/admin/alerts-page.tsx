import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useAdminAlerts, useAlertAction, type AdminAlert, type AlertAction } from '../../api/admin-alerts';
import { ApiError } from '../../api/client';
import { useMe } from '../../api/session';
import { AlertActionMessage, type AlertActionOutcome } from '../../components/admin/alert-action-message';
import { AlertCard, useActorName, type AlertActionKind } from '../../components/admin/alert-card';
import { AlertFilters, readAlertFilters, type AlertFilterValues } from '../../components/admin/alert-filters';
import { AlertName } from '../../components/admin/alert-name';
import { CursorPager } from '../../components/admin/cursor-pager';
import { ResolveAlertDialog } from '../../components/admin/resolve-alert-dialog';
import { SnoozeAlertDialog } from '../../components/admin/snooze-alert-dialog';
import { useCursorPage, withoutCursor } from '../../components/admin/use-cursor-page';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { formatDateTime } from '../../lib/dates';
import { useErrorMessage } from '../../lib/use-error-message';

const PAGE_SIZE = 25;

/** Answers that mean the alert is no longer what the page showed: another admin acted first (409), or it is gone (404). */
const STALE_CODES = new Set(['ALERT_ALREADY_ACKNOWLEDGED', 'ALERT_ALREADY_RESOLVED', 'ALERT_NOT_FOUND']);

/**
 * `/dashboard/admin/alerts` (issue 14 §1): alerts newest first, filtered by status, severity and
 * type in the URL; acknowledge, resolve with a note, snooze until a time. When another admin
 * acted first, the service's 409 is said in words and the list shows the alert as it now is.
 */
export default function AdminAlertsPage() {
  const { t, i18n } = useMonitoringTranslation();
  const errorMessage = useErrorMessage();
  const [params, setParams] = useSearchParams();
  const filters = readAlertFilters(params);
  const page = useCursorPage();
  const alerts = useAdminAlerts({
    ...(filters.status && { status: filters.status }),
    ...(filters.severity && { severity: filters.severity }),
    ...(filters.type && { type: filters.type }),
    ...(page.cursor && { cursor: page.cursor }),
    limit: PAGE_SIZE,
  });
  const myActor = useMe().data?.principal.actor;
  const actorName = useActorName(myActor);
  const action = useAlertAction();
  const [resolving, setResolving] = useState<AdminAlert | null>(null);
  const [snoozing, setSnoozing] = useState<AdminAlert | null>(null);
  const [outcome, setOutcome] = useState<AlertActionOutcome | null>(null);

  const changeFilters = (changed: Partial<AlertFilterValues>) => {
    // From the address as it is now, not as this render saw it: a second filter changed before the
    // page re-rendered from the first (the router updates it in a transition) keeps the first.
    const next = withoutCursor(new URLSearchParams(window.location.search));
    for (const key of ['status', 'severity', 'type'] as const) {
      if (!(key in changed)) continue;
      const value = changed[key];
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };

  /** A refusal in words: who got there first (409), or that the alert is gone. */
  const refusal = (error: unknown): string => {
    if (error instanceof ApiError && (error.code === 'ALERT_ALREADY_ACKNOWLEDGED' || error.code === 'ALERT_ALREADY_RESOLVED')) {
      const by = typeof error.details?.by === 'string' ? error.details.by : null;
      return t(error.code === 'ALERT_ALREADY_ACKNOWLEDGED' ? 'outcome.alreadyAcknowledged' : 'outcome.alreadyResolved', { by: actorName(by) });
    }
    return errorMessage(error);
  };

  const send = (request: AlertAction, closeDialog: () => void) => {
    setOutcome(null);
    action.mutate(request, {
      onSuccess: (updated) => {
        closeDialog();
        const text =
          request.kind === 'acknowledge'
            ? t('outcome.acknowledged')
            : request.kind === 'resolve'
              ? t('outcome.resolved')
              : t('outcome.snoozed', { until: formatDateTime(updated.snoozedUntil ?? request.until, i18n.language) });
        setOutcome({ tone: 'success', text, about: <AlertName alert={request.alert} /> });
      },
      onError: (error) => {
        // Invalid input stays in the dialog, beside the field; a stale alert closes it and says why above the list.
        const stale = error instanceof ApiError && STALE_CODES.has(error.code);
        if (request.kind === 'acknowledge' || stale) {
          closeDialog();
          setOutcome({ tone: stale ? 'warning' : 'error', text: refusal(error), about: <AlertName alert={request.alert} /> });
        }
      },
    });
  };

  const start = (kind: AlertActionKind, alert: AdminAlert) => {
    action.reset();
    if (kind === 'acknowledge') send({ kind, alert }, () => undefined);
    else if (kind === 'resolve') setResolving(alert);
    else setSnoozing(alert);
  };

  const pendingFor = (alert: AdminAlert): AlertActionKind | undefined => (action.isPending && action.variables?.alert.id === alert.id ? action.variables.kind : undefined);
  const dialogError = (kind: AlertActionKind) => (action.variables?.kind === kind && !action.isPending ? action.error : null);
  const filtered = Object.values(filters).some((value) => value !== undefined);

  return (
    <>
      <PageHeader title={t('alerts.title')} description={t('alerts.description')} />
      <AlertFilters values={filters} onChange={changeFilters} />
      <AlertActionMessage outcome={outcome} onDismiss={() => setOutcome(null)} />
      <QueryState query={alerts}>
        {(data) => (
          <Updating busy={alerts.isPlaceholderData}>
            <section aria-label={t('alerts.list')}>
              {data.data.length === 0 ? (
                <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-700">{filtered ? t('alerts.empty') : t('alerts.emptyAll')}</p>
              ) : (
                <ul className="space-y-3">
                  {data.data.map((alert) => (
                    <li key={alert.id}>
                      <AlertCard alert={alert} myActor={myActor} pending={pendingFor(alert)} onAction={start} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <CursorPager page={page} nextCursor={data.nextCursor} label={t('alerts.pagination')} />
          </Updating>
        )}
      </QueryState>
      <ResolveAlertDialog
        alert={resolving}
        pending={action.isPending}
        error={resolving ? dialogError('resolve') : null}
        onConfirm={(note) => resolving && send({ kind: 'resolve', alert: resolving, note }, () => setResolving(null))}
        onClose={() => setResolving(null)}
      />
      <SnoozeAlertDialog
        alert={snoozing}
        pending={action.isPending}
        error={snoozing ? dialogError('snooze') : null}
        onConfirm={(until) => snoozing && send({ kind: 'snooze', alert: snoozing, until }, () => setSnoozing(null))}
        onClose={() => setSnoozing(null)}
      />
    </>
  );
}
