import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '../../lib/cn';
import { Button } from '../ui/button';
import { DialogClose } from '../ui/dialog';

/**
 * A dialog's footer: **Cancel**, which closes it and changes nothing, then the dialog's own
 * action(s), on the right. Every confirmation dialog of the admin pages ends with it.
 *
 * @example
 * <DialogActions>
 *   <Button type="submit" disabled={pending}>{t('process.confirm')}</Button>
 * </DialogActions>
 */
export function DialogActions({ children, className }: { children: ReactNode; className?: string }) {
  const { t } = useTranslation();
  return (
    <div className={cn('flex justify-end gap-2', className)}>
      <DialogClose asChild>
        <Button type="button" variant="outline">
          {t('common:cancel')}
        </Button>
      </DialogClose>
      {children}
    </div>
  );
}
