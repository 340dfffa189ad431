import { useId, useRef, useState, type ReactNode } from 'react';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Dialog, DialogContent } from '../ui/dialog';
import { DialogActions } from './dialog-actions';
import { Textarea } from '../ui/input';
import { Label } from '../ui/label';
import { useReturnFocus } from './use-return-focus';

/** What the dialog says, already translated by the caller. */
export interface RequiredNoteTexts {
  title: string;
  /** Under the title (e.g. the subject acted on). */
  description: ReactNode;
  /** A paragraph above the field, when the action needs explaining. */
  explain?: string;
  note: string;
  hint: string;
  /** Said when the note is empty. */
  required: string;
  confirm: string;
  working: string;
}

/**
 * An admin action that needs a written reason (resolving an alert, accepting a reconciliation
 * difference). The note is required: an empty one is refused here, before the service is asked
 * (the field is marked invalid and says why, and takes the focus); the service refuses it too.
 * The note is sent trimmed; `maxLength` is what the service keeps.
 */
export function RequiredNoteDialog({
  open,
  texts,
  maxLength,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  open: boolean;
  texts: RequiredNoteTexts;
  maxLength: number;
  pending: boolean;
  error: unknown;
  onConfirm: (note: string) => void;
  onClose: () => void;
}) {
  const errorMessage = useErrorMessage();
  const id = useId();
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const returnFocus = useReturnFocus(open);
  const close = (nowOpen: boolean) => {
    if (nowOpen) return;
    setNote('');
    setMissing(false);
    onClose();
  };

  return (
    <Dialog open={open} onOpenChange={close}>
      {open && (
        <DialogContent onCloseAutoFocus={returnFocus.onCloseAutoFocus} title={texts.title} description={texts.description}>
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
            {texts.explain && <p className="text-sm text-slate-700">{texts.explain}</p>}
            {error !== null && error !== undefined && <Alert tone="error">{errorMessage(error)}</Alert>}
            <div className="space-y-1">
              <Label htmlFor={`${id}-note`}>{texts.note}</Label>
              <Textarea
                ref={noteRef}
                id={`${id}-note`}
                value={note}
                maxLength={maxLength}
                required
                aria-invalid={missing || undefined}
                aria-describedby={`${id}-hint${missing ? ` ${id}-missing` : ''}`}
                onChange={(event) => {
                  setNote(event.target.value);
                  if (event.target.value.trim() !== '') setMissing(false);
                }}
              />
              <p id={`${id}-hint`} className="text-xs text-slate-600">
                {texts.hint}
              </p>
              {missing && (
                <p id={`${id}-missing`} role="alert" className="text-sm font-medium text-red-800">
                  {texts.required}
                </p>
              )}
            </div>
            <DialogActions>
              <Button type="submit" disabled={pending}>
                {pending ? texts.working : texts.confirm}
              </Button>
            </DialogActions>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
