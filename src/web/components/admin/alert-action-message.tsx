import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';

export interface AlertActionOutcome {
  tone: 'success' | 'warning' | 'error';
  text: string;
  /** What was acted on: an alert's name, a reconciliation item's summary (in the language it is written in). */
  about: ReactNode;
}

/**
 * What came of the last action, above the list, kept until closed: the alert may have left a
 * filtered list (acknowledged while showing open ones), and a refusal — another admin acted
 * first — must be read, not flashed. It takes the focus, as the button used may be gone.
 */
export function AlertActionMessage({ outcome, onDismiss }: { outcome: AlertActionOutcome | null; onDismiss: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [outcome]);
  if (!outcome) return null;
  return (
    <Alert ref={ref} tabIndex={-1} tone={outcome.tone} className="mb-4 flex items-start justify-between gap-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
      <div>
        <p className="font-medium">{outcome.text}</p>
        <p className="mt-0.5">{outcome.about}</p>
      </div>
      <Button variant="ghost" size="sm" onClick={onDismiss}>
        {t('close')}
      </Button>
    </Alert>
  );
}
