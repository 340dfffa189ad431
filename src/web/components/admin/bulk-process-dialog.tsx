import { useTranslation } from 'react-i18next';
import type { AdminPayout } from '../../api/admin-payouts';
import { formatMoney } from '../../lib/money';
import { Button } from '../ui/button';
import { Dialog, DialogContent } from '../ui/dialog';
import { DialogActions } from './dialog-actions';
import { useReturnFocus } from './use-return-focus';

/** Totals per currency: a page may mix currencies, and amounts of different currencies never add up. */
function totalsByCurrency(payouts: readonly AdminPayout[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const payout of payouts) totals.set(payout.currency, (totals.get(payout.currency) ?? 0) + payout.requestedAmount);
  return [...totals.entries()];
}

/** Confirmation before processing every selected payout: how many, for how much, and to whom. */
export function BulkProcessDialog({
  payouts,
  open,
  pending,
  onConfirm,
  onClose,
}: {
  payouts: readonly AdminPayout[];
  open: boolean;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('admin');
  const returnFocus = useReturnFocus(open);
  const total = totalsByCurrency(payouts)
    .map(([currency, amount]) => formatMoney(amount, currency, i18n.language))
    .join(' + ');
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()}>
      <DialogContent onCloseAutoFocus={returnFocus.onCloseAutoFocus} title={t('bulk.title', { count: payouts.length })} description={t('bulk.description', { count: payouts.length, total })}>
        <ul className="max-h-60 space-y-1 overflow-y-auto text-sm">
          {payouts.map((payout) => (
            <li key={payout.id} className="flex justify-between gap-4">
              <span>{payout.creatorName}</span>
              <span className="tabular">{formatMoney(payout.requestedAmount, payout.currency, i18n.language)}</span>
            </li>
          ))}
        </ul>
        <DialogActions className="mt-4">
          <Button
            type="button"
            disabled={pending || payouts.length === 0}
            onClick={() => {
              returnFocus.confirmed();
              onConfirm();
            }}
          >
            {pending ? t('process.working') : t('bulk.confirm', { count: payouts.length })}
          </Button>
        </DialogActions>
      </DialogContent>
    </Dialog>
  );
}
