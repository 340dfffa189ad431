import { useId, useRef, useState } from 'react';
import type { AdminAlert } from '../../api/admin-alerts';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { formatDateTime } from '../../lib/dates';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Dialog, DialogContent } from '../ui/dialog';
import { AlertName } from './alert-name';
import { DialogActions } from './dialog-actions';
import { Input } from '../ui/input';
import { Label } from '../ui/label';
import { useReturnFocus } from './use-return-focus';

/** The service's limit (ALERT_SNOOZE_TOO_LONG): an alert silenced for longer should be resolved. */
const MAX_SNOOZE_DAYS = 30;
const HOUR = 3_600_000;

/** `YYYY-MM-DDTHH:mm` in the browser's time zone: what an `<input type="datetime-local">` holds. */
function toLocalInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Tomorrow at 09:00, the viewer's time. */
function tomorrowMorning(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0);
}

type Problem = 'required' | 'past' | 'tooLong';

/**
 * Snooze an alert until a date and time (the viewer's time zone, sent as an instant): quick picks
 * or any time up to 30 days ahead. The status stays; the admins are reminded once if the condition
 * is still found afterwards. `alert` null: closed.
 */
export function SnoozeAlertDialog({
  alert,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  alert: AdminAlert | null;
  pending: boolean;
  error: unknown;
  onConfirm: (until: string) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useMonitoringTranslation();
  const errorMessage = useErrorMessage();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const returnFocus = useReturnFocus(alert !== null);
  const now = new Date();
  const close = (open: boolean) => {
    if (open) return;
    setValue('');
    setProblem(null);
    onClose();
  };
  const pick = (date: Date) => {
    setValue(toLocalInputValue(date));
    setProblem(null);
  };
  const quickPicks = [
    { label: t('snooze.in1Hour'), at: new Date(now.getTime() + HOUR) },
    { label: t('snooze.in4Hours'), at: new Date(now.getTime() + 4 * HOUR) },
    { label: t('snooze.tomorrowMorning'), at: tomorrowMorning(now) },
    { label: t('snooze.in1Week'), at: new Date(now.getTime() + 7 * 24 * HOUR) },
  ];

  const submit = () => {
    // `new Date('YYYY-MM-DDTHH:mm')` reads the value in the browser's time zone, as the person typed it.
    const until = value === '' ? null : new Date(value);
    const found: Problem | null =
      until === null || Number.isNaN(until.getTime())
        ? 'required'
        : until.getTime() <= Date.now()
          ? 'past'
          : until.getTime() > Date.now() + MAX_SNOOZE_DAYS * 24 * HOUR
            ? 'tooLong'
            : null;
    setProblem(found);
    if (found || !until) {
      inputRef.current?.focus();
      return;
    }
    returnFocus.confirmed();
    onConfirm(until.toISOString());
  };

  return (
    <Dialog open={alert !== null} onOpenChange={close}>
      {alert && (
        <DialogContent onCloseAutoFocus={returnFocus.onCloseAutoFocus} title={t('snooze.title')} description={<AlertName alert={alert} />}>
          <form
            noValidate
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            {error !== null && error !== undefined && <Alert tone="error">{errorMessage(error)}</Alert>}
            <p className="text-sm text-slate-700">{t('snooze.explain')}</p>
            <div role="group" aria-label={t('snooze.quickPicks')} className="flex flex-wrap gap-2">
              {quickPicks.map((quick) => (
                <Button key={quick.label} type="button" size="sm" variant="outline" onClick={() => pick(quick.at)}>
                  {quick.label}
                </Button>
              ))}
            </div>
            <div className="space-y-1">
              <Label htmlFor={`${id}-until`}>{t('snooze.until')}</Label>
              <Input
                ref={inputRef}
                id={`${id}-until`}
                type="datetime-local"
                className="w-64 max-w-full"
                value={value}
                min={toLocalInputValue(now)}
                max={toLocalInputValue(new Date(now.getTime() + MAX_SNOOZE_DAYS * 24 * HOUR))}
                required
                aria-invalid={problem !== null || undefined}
                aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
                onChange={(event) => {
                  setValue(event.target.value);
                  setProblem(null);
                }}
              />
              <p id={`${id}-hint`} className="text-xs text-slate-600">
                {value && !Number.isNaN(new Date(value).getTime()) ? t('snooze.chosen', { until: formatDateTime(new Date(value), i18n.language) }) : t('snooze.hint', { days: MAX_SNOOZE_DAYS })}
              </p>
              {problem && (
                <p id={`${id}-problem`} role="alert" className="text-sm font-medium text-red-800">
                  {t(`snooze.${problem}`, { days: MAX_SNOOZE_DAYS })}
                </p>
              )}
            </div>
            <DialogActions>
              <Button type="submit" disabled={pending}>
                {pending ? t('snooze.working') : t('snooze.confirm')}
              </Button>
            </DialogActions>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
