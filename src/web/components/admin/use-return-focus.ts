import { useLayoutEffect, useRef } from 'react';

/**
 * Where focus goes when a confirmation dialog opened from state (no Radix trigger) closes.
 * Cancelled: back to whatever had it when it opened (the row's Process button), so a keyboard user
 * carries on where they were. Confirmed: left where the page put it (the outcome message, which
 * focuses itself), since the button that opened the dialog is about to leave with its row.
 */
export function useReturnFocus(open: boolean): { onCloseAutoFocus: (event: Event) => void; confirmed: () => void } {
  const opener = useRef<HTMLElement | null>(null);
  const wasConfirmed = useRef(false);
  useLayoutEffect(() => {
    if (!open) return;
    wasConfirmed.current = false;
    if (document.activeElement instanceof HTMLElement) opener.current = document.activeElement;
  }, [open]);
  return {
    confirmed: () => {
      wasConfirmed.current = true;
    },
    onCloseAutoFocus: (event) => {
      const element = opener.current;
      opener.current = null;
      if (wasConfirmed.current && document.activeElement !== document.body) event.preventDefault();
      else if (element?.isConnected) {
        event.preventDefault();
        element.focus();
      }
    },
  };
}
