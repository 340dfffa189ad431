import { useTranslation } from 'react-i18next';
import type { AdminPayoutsPage } from '../../api/admin-payouts';
import { MoneyAmount } from '../money-amount';
import { Card, CardTitle, CardValue } from '../ui/card';

type Totals = AdminPayoutsPage['summary'][number];
type Status = keyof Totals['byStatus'];

/** Seed 000's three cards; "pending" counts both the approval queue and the payouts waiting to be processed. */
const CARDS: { key: 'pending' | 'processing' | 'completed'; statuses: Status[] }[] = [
  { key: 'pending', statuses: ['PENDING_APPROVAL', 'PENDING'] },
  { key: 'processing', statuses: ['PROCESSING'] },
  { key: 'completed', statuses: ['PAID'] },
];

function sum(totals: Totals, statuses: Status[]): { count: number; amount: number } {
  return statuses.reduce((acc, status) => ({ count: acc.count + totals.byStatus[status].count, amount: acc.amount + totals.byStatus[status].amount }), { count: 0, amount: 0 });
}

/**
 * Pending, processing and completed amounts under the page's creator and date filters, one line
 * per currency (the platform's first): amounts in different currencies are never added together.
 */
export function PayoutSummaryCards({ summary }: { summary: AdminPayoutsPage['summary'] }) {
  const { t } = useTranslation('admin');
  return (
    <div className="mb-6 grid gap-4 sm:grid-cols-3">
      {CARDS.map((card) => {
        const lines = summary.map((totals) => ({ currency: totals.currency, ...sum(totals, card.statuses) }));
        const [main, ...others] = lines;
        const count = lines.reduce((acc, line) => acc + line.count, 0);
        return (
          <Card key={card.key} aria-labelledby={`summary-${card.key}`}>
            <CardTitle id={`summary-${card.key}`}>{t(`summary.${card.key}`)}</CardTitle>
            {main && (
              <CardValue>
                <MoneyAmount amount={main.amount} currency={main.currency} />
              </CardValue>
            )}
            {others
              .filter((line) => line.count > 0)
              .map((line) => (
                <p key={line.currency} className="tabular text-lg font-medium text-slate-900">
                  <MoneyAmount amount={line.amount} currency={line.currency} />
                </p>
              ))}
            <p className="mt-1 text-sm text-slate-600">{t('summary.count', { count })}</p>
            {card.key === 'pending' && <p className="text-xs text-slate-600">{t('summary.awaitingApproval', { count: summary.reduce((acc, totals) => acc + totals.byStatus.PENDING_APPROVAL.count, 0) })}</p>}
          </Card>
        );
      })}
    </div>
  );
}
