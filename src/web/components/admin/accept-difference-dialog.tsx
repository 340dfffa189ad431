import { useId, useRef, useState } from 'react';
import type { ReconciliationItem } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Dialog, DialogClose, DialogContent } from '../ui/dialog';
import { Textarea } from '../ui/input';
import { Label } from '../ui/label';
import { useReturnFocus } from './use-return-focus';

/** The service keeps at most this many characters (RECONCILIATION_NOTE_TOO_LONG). */
const MAX_NOTE_LENGTH = 2000;

/**
 * Accept a reconciliation difference, saying why it is right. The note is required: an empty one
 * is refused here, before the service is asked (the field is marked invalid and says why); the
 * service refuses it too (RECONCILIATION_NOTE_REQUIRED). `item` null: closed.
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
  const errorMessage = useErrorMessage();
  const id = useId();
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const returnFocus = useReturnFocus(item !== null);
  const close = (open: boolean) => {
    if (open) return;
    setNote('');
    setMissing(false);
    onClose();
  };

  return (
    <Dialog open={item !== null} onOpenChange={close}>
      {item && (
        <DialogContent onCloseAutoFocus={returnFocus.onCloseAutoFocus} title={t('accept.title')} description={<span lang="en">{item.summary}</span>}>
          <form
            noValidate
            className="space-y-4"
            onSubmit={(event) => {
              event.preventDefault();
              if (note.trim() === '') {
                setMissing(true);
                noteRef.current?.focus();
                return;
              }
              returnFocus.confirmed();
              onConfirm(note.trim());
            }}
          >
            <p className="text-sm text-slate-700">{t('accept.explain')}</p>
            {error !== null && error !== undefined && <Alert tone="error">{errorMessage(error)}</Alert>}
            <div className="space-y-1">
              <Label htmlFor={`${id}-note`}>{t('accept.note')}</Label>
              <Textarea
                ref={noteRef}
                id={`${id}-note`}
                value={note}
                maxLength={MAX_NOTE_LENGTH}
                required
                aria-invalid={missing || undefined}
                aria-describedby={`${id}-hint${missing ? ` ${id}-missing` : ''}`}
                onChange={(event) => {
                  setNote(event.target.value);
                  if (event.target.value.trim() !== '') setMissing(false);
                }}
              />
              <p id={`${id}-hint`} className="text-xs text-slate-600">
                {t('accept.hint')}
              </p>
              {missing && (
                <p id={`${id}-missing`} role="alert" className="text-sm font-medium text-red-800">
                  {t('accept.required')}
                </p>
              )}
            </div>
            <div className="flex justify-end gap-2">
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  {t('common:cancel')}
                </Button>
              </DialogClose>
              <Button type="submit" disabled={pending}>
                {pending ? t('accept.working') : t('accept.confirm')}
              </Button>
            </div>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
