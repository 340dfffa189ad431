import { useId, type ReactNode } from 'react';
import type { ReconciliationItem } from '../../api/admin-reconciliation';
import { useReconciliationTranslation } from '../../i18n/reconciliation';
import { cn } from '../../lib/cn';
import { formatDateTime } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { CopyableId } from './copy-button';
import { ReconciliationClassBadge } from './reconciliation-badges';
import { useReconciliationActorName } from './use-reconciliation-actor-name';

const DIFFERENCE_CLASSES = new Set<ReconciliationItem['class']>(['mismatched', 'missing_here', 'missing_at_stripe']);
const EDGE = { matched: 'border-l-green-600', expected: 'border-l-blue-600', mismatched: 'border-l-amber-500', missing_here: 'border-l-red-700', missing_at_stripe: 'border-l-amber-500' } as const;

/** Whether an admin can accept the item: a difference nobody accepted yet. */
export function isAcceptable(item: ReconciliationItem): boolean {
  return DIFFERENCE_CLASSES.has(item.class) && item.acceptedAt === null;
}

function Field({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={cn('min-w-0', className)}>
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

/**
 * One compared object: its class in words, what it is, the service's one-line summary (English),
 * Stripe's id and our record, the amount on each side as money with its status, what differs, how
 * the pair was found; who accepted it and why, or the Accept action for an open difference.
 */
export function ReconciliationItemCard({ item, pending, onAccept }: { item: ReconciliationItem; pending: boolean; onAccept: (item: ReconciliationItem) => void }) {
  const { t, i18n } = useReconciliationTranslation();
  const actorName = useReconciliationActorName();
  const id = useId();
  const amount = (value: string | null) => {
    if (value === null) return null;
    return item.currency ? formatMoney(BigInt(value), item.currency, i18n.language) : value;
  };
  const side = (value: string | null, status: string | null, absent: string) => {
    const money = amount(value);
    if (money === null && status === null) return <span className="text-slate-700">{absent}</span>;
    return (
      <>
        {money !== null && <span className="tabular font-semibold whitespace-nowrap">{money}</span>}
        {status !== null && <span className="ml-1.5 text-slate-700">{t('items.status', { status })}</span>}
      </>
    );
  };
  const differs =
    item.class === 'missing_here'
      ? t('items.differsMissingHere')
      : item.class === 'missing_at_stripe'
        ? t('items.differsMissingAtStripe')
        : new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(item.differences.map((difference) => t(`difference.${difference}`, { defaultValue: difference })));

  return (
    <article aria-labelledby={`${id}-summary`} className={cn('rounded-lg border border-l-4 border-slate-200 bg-white p-4 shadow-sm', EDGE[item.class], item.acceptedAt && 'bg-slate-50')}>
      <div className="flex flex-wrap items-center gap-2">
        <ReconciliationClassBadge value={item.class} />
        {item.acceptedAt && <Badge tone="neutral">{t('items.accepted')}</Badge>}
        <span className="text-sm text-slate-700">{t(`kind.${item.kind}`, { defaultValue: item.kind })}</span>
      </div>
      <h3 id={`${id}-summary`} lang="en" className="mt-2 text-base font-semibold break-words text-slate-900">
        {item.summary}
      </h3>
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field label={t('items.stripeId')}>{item.stripeId ? <CopyableId value={item.stripeId} label={t('items.stripeId')} /> : <span className="text-slate-700">{t('items.noStripeObject')}</span>}</Field>
        <Field label={t('items.ourRecord')}>
          {item.localId ? (
            <span className="inline-flex flex-wrap items-center gap-x-1.5">
              <span>{item.localType ? t(`localType.${item.localType}`, { defaultValue: item.localType }) : null}</span>
              <CopyableId value={item.localId} label={item.localType ? t(`localType.${item.localType}`, { defaultValue: item.localType }) : t('items.ourRecord')} />
            </span>
          ) : (
            <span className="text-slate-700">{t('items.noRecord')}</span>
          )}
        </Field>
        <Field label={t('items.atStripe')}>{side(item.stripeAmount, item.stripeStatus, t('items.noStripeObject'))}</Field>
        <Field label={t('items.here')}>{side(item.localAmount, item.localStatus, t('items.noRecord'))}</Field>
        {DIFFERENCE_CLASSES.has(item.class) && (
          <Field label={t('items.differs')} className="sm:col-span-2">
            <span className="font-medium">{differs}</span>
          </Field>
        )}
        <Field label={t('items.occurredAt')}>{formatDateTime(item.occurredAt, i18n.language)}</Field>
        {item.matchedBy && <Field label={t('items.pairedBy')}>{t(`matchedBy.${item.matchedBy}`)}</Field>}
      </dl>
      {item.acceptedAt && (
        <div className="mt-3 text-sm text-slate-700">
          <p>{t('items.acceptedBy', { by: actorName(item.acceptedBy), at: formatDateTime(item.acceptedAt, i18n.language) })}</p>
          {item.acceptNote && (
            <p>
              {t('items.acceptNote')} <q className="text-slate-900">{item.acceptNote}</q>
            </p>
          )}
        </div>
      )}
      {isAcceptable(item) && (
        <div className="mt-3">
          <Button size="sm" variant="outline" disabled={pending} onClick={() => onAccept(item)} aria-describedby={`${id}-summary`}>
            {t('items.accept')}
          </Button>
        </div>
      )}
    </article>
  );
}
