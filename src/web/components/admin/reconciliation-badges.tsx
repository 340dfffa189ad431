import { CircleCheck, CircleX, Clock, EqualNot, LoaderCircle, SearchX, TriangleExclamationPoint } from 'lucide-react';
import type { ReconciliationClass, ReconciliationRunStatus } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { cn } from '../../lib/cn';
import { Badge } from '../ui/badge';

/** Each class with a tone and an icon of its own shape: the word says it, colour and shape only help. */
export const RECONCILIATION_CLASS_LOOK = {
  matched: { tone: 'success', Icon: CircleCheck },
  expected: { tone: 'info', Icon: Clock },
  mismatched: { tone: 'warning', Icon: EqualNot },
  missing_here: { tone: 'danger', Icon: TriangleExclamationPoint },
  missing_at_stripe: { tone: 'warning', Icon: SearchX },
} as const satisfies Record<ReconciliationClass, { tone: 'success' | 'info' | 'warning' | 'danger'; Icon: unknown }>;

/** The classes in the order the page shows them: in order first, then the differences. */
export const RECONCILIATION_CLASSES: readonly ReconciliationClass[] = ['matched', 'expected', 'mismatched', 'missing_here', 'missing_at_stripe'];

/** matched, expected, mismatched, missing here, missing at Stripe — in words. */
export function ReconciliationClassBadge({ value, className }: { value: ReconciliationClass; className?: string }) {
  const { t } = useReconciliationTranslation();
  const { tone, Icon } = RECONCILIATION_CLASS_LOOK[value];
  return (
    <Badge tone={tone} className={cn('gap-1', className)}>
      <Icon aria-hidden className="size-3.5" />
      {t(`class.${value}`)}
    </Badge>
  );
}

const RUN_STATUS = {
  running: { tone: 'info', Icon: LoaderCircle },
  completed: { tone: 'success', Icon: CircleCheck },
  failed: { tone: 'danger', Icon: CircleX },
} as const;

/** A run's status (running, completed, failed), in words. */
export function RunStatusBadge({ status, className }: { status: ReconciliationRunStatus; className?: string }) {
  const { t } = useReconciliationTranslation();
  const { tone, Icon } = RUN_STATUS[status];
  return (
    <Badge tone={tone} className={cn('gap-1', className)}>
      <Icon aria-hidden className="size-3.5" />
      {t(`runStatus.${status}`)}
    </Badge>
  );
}
