import type { ReconciliationItem } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { RequiredNoteDialog } from './required-note-dialog';

/** The service keeps at most this many characters (RECONCILIATION_NOTE_TOO_LONG). */
const MAX_NOTE_LENGTH = 2000;

/**
 * Accept a reconciliation difference, saying why it is right: the note is required, here and by
 * the service (RECONCILIATION_NOTE_REQUIRED). `item` null: closed.
 */
export function AcceptDifferenceDialog({
  item,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  item: ReconciliationItem | null;
  pending: boolean;
  error: unknown;
  onConfirm: (note: string) => void;
  onClose: () => void;
}) {
  const { t } = useReconciliationTranslation();
  return (
    <RequiredNoteDialog
      open={item !== null}
      texts={{
        title: t('accept.title'),
        description: <span lang="en">{item?.summary}</span>,
        explain: t('accept.explain'),
        note: t('accept.note'),
        hint: t('accept.hint'),
        required: t('accept.required'),
        confirm: t('accept.confirm'),
        working: t('accept.working'),
      }}
      maxLength={MAX_NOTE_LENGTH}
      pending={pending}
      error={error}
      onConfirm={onConfirm}
      onClose={onClose}
    />
  );
}
