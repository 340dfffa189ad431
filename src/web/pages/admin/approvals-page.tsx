import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useApprovalQueue, useReviewPayout, type ReviewAction } from '../../api/admin-approvals';
import type { AdminPayout } from '../../api/admin-payouts';
import { ApprovalQueueTable } from '../../components/admin/approval-queue-table';
import { CreatorContextPanel } from '../../components/admin/creator-context-panel';
import { CursorPager } from '../../components/admin/cursor-pager';
import { ReviewDecisionMessage, ReviewPayoutForm, type ReviewDecision } from '../../components/admin/review-payout-form';
import { useCursorPage } from '../../components/admin/use-cursor-page';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Card } from '../../components/ui/card';

const PAGE_SIZE = 25;

/**
 * `/dashboard/admin/approvals` (seed 002 §7): the payouts flagged by the limit and fraud rules,
 * the longest waiting first; the one under review (`?payout=`, else the first) beside its
 * creator's context, with Approve and Reject.
 */
export default function AdminApprovalsPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const page = useCursorPage();
  const queue = useApprovalQueue({ cursor: page.cursor, limit: PAGE_SIZE });
  const review = useReviewPayout();
  const [decision, setDecision] = useState<ReviewDecision | null>(null);

  const rows = queue.data?.data ?? [];
  const wanted = params.get('payout');
  const current = rows.find((payout) => payout.id === wanted) ?? rows[0];

  const select = (payout: AdminPayout) => {
    const next = new URLSearchParams(params);
    next.set('payout', payout.id);
    setParams(next, { replace: true });
    review.reset();
  };

  const decide = (payout: AdminPayout, action: ReviewAction, notes: string) => {
    setDecision(null);
    review.mutate(
      { payoutId: payout.id, action, ...(notes && { notes }) },
      {
        onSuccess: (reply) => {
          setDecision({ action, creatorName: payout.creatorName, amount: payout.requestedAmount, currency: payout.currency, reply });
          const next = new URLSearchParams(params);
          next.delete('payout');
          setParams(next, { replace: true });
        },
      },
    );
  };

  return (
    <>
      <PageHeader title={t('approvals.title')} description={t('approvals.description')} />
      {decision && <ReviewDecisionMessage decision={decision} onDismiss={() => setDecision(null)} />}
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <section aria-labelledby="queue-title" className="min-w-0">
          <h2 id="queue-title" className="mb-3 text-lg font-semibold text-slate-900">
            {t('approvals.queue')}
          </h2>
          <QueryState query={queue}>
            {(data) => (
              <Updating busy={queue.isPlaceholderData}>
                <ApprovalQueueTable payouts={data.data} selectedId={current?.id} onReview={select} />
                <CursorPager page={page} nextCursor={data.nextCursor} label={t('approvals.pagination')} />
              </Updating>
            )}
          </QueryState>
        </section>
        {current && (
          <div className="space-y-4">
            <Card>
              <ReviewPayoutForm
                key={current.id}
                payout={current}
                pending={review.isPending ? review.variables?.action : undefined}
                error={review.variables?.payoutId === current.id ? review.error : null}
                onReview={(action, notes) => decide(current, action, notes)}
              />
            </Card>
            <CreatorContextPanel creatorId={current.creatorId} currency={current.currency} />
          </div>
        )}
      </div>
    </>
  );
}
