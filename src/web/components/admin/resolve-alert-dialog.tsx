import type { AdminAlert } from '../../api/admin-alerts';
import { useMonitoringTranslation } from '../../i18n/monitoring';
import { AlertName } from './alert-name';
import { RequiredNoteDialog } from './required-note-dialog';

/** The service keeps at most this many characters (ALERT_NOTE_TOO_LONG). */
const MAX_NOTE_LENGTH = 2000;

/**
 * Resolve an alert, saying what was done: the note is required, here and by the service
 * (ALERT_NOTE_REQUIRED). `alert` null: closed.
 */
export function ResolveAlertDialog({
  alert,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  alert: AdminAlert | null;
  pending: boolean;
  error: unknown;
  onConfirm: (note: string) => void;
  onClose: () => void;
}) {
  const { t } = useMonitoringTranslation();
  return (
    <RequiredNoteDialog
      open={alert !== null}
      texts={{
        title: t('resolve.title'),
        description: alert ? <AlertName alert={alert} /> : null,
        note: t('resolve.note'),
        hint: t('resolve.hint'),
        required: t('resolve.required'),
        confirm: t('resolve.confirm'),
        working: t('resolve.working'),
      }}
      maxLength={MAX_NOTE_LENGTH}
      pending={pending}
      error={error}
      onConfirm={onConfirm}
      onClose={onClose}
    />
  );
}
