import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminPayout } from '../../api/admin-payouts';
import { formatMoney } from '../../lib/money';
import { Button } from '../ui/button';
import { Dialog, DialogContent } from '../ui/dialog';
import { DialogActions } from './dialog-actions';
import { Textarea } from '../ui/input';
import { Label } from '../ui/label';
import { useReturnFocus } from './use-return-focus';

/**
 * "Really transfer this?" before money leaves: who, how much, to which account, with optional
 * notes for the audit trail. `payout` null: closed.
 */
export function ProcessPayoutDialog({
  payout,
  pending,
  onConfirm,
  onClose,
}: {
  payout: AdminPayout | null;
  pending: boolean;
  onConfirm: (notes: string) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('admin');
  const notesId = useId();
  const [notes, setNotes] = useState('');
  const returnFocus = useReturnFocus(payout !== null);
  const close = (open: boolean) => {
    if (open) return;
    setNotes('');
    onClose();
  };

  return (
    <Dialog open={payout !== null} onOpenChange={close}>
      {payout && (
        <DialogContent
          onCloseAutoFocus={returnFocus.onCloseAutoFocus}
          title={t('process.title')}
          description={t('process.description', {
            amount: formatMoney(payout.requestedAmount, payout.currency, i18n.language),
            creator: payout.creatorName,
            account: payout.stripeAccountId ?? t('stripe.noAccount'),
          })}
        >
          <form
            onSubmit={(event) => {
              event.preventDefault();
              returnFocus.confirmed();
              onConfirm(notes.trim());
            }}
            className="space-y-4"
          >
            <dl className="grid grid-cols-2 gap-2 text-sm">
              <dt className="text-slate-600">{t('table.requested')}</dt>
              <dd className="tabular text-right font-medium">{formatMoney(payout.requestedAmount, payout.currency, i18n.language)}</dd>
              <dt className="text-slate-600">{t('table.available')}</dt>
              <dd className="tabular text-right">{formatMoney(payout.availableBalance, payout.currency, i18n.language)}</dd>
            </dl>
            <div className="space-y-1">
              <Label htmlFor={notesId}>{t('process.notes')}</Label>
              <Textarea id={notesId} value={notes} maxLength={1000} onChange={(event) => setNotes(event.target.value)} />
            </div>
            <DialogActions>
              <Button type="submit" disabled={pending}>
                {pending ? t('process.working') : t('process.confirm')}
              </Button>
            </DialogActions>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
