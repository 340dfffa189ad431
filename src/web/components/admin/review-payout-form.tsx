import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewAction, ReviewPayoutReply } from '../../api/admin-approvals';
import type { AdminPayout } from '../../api/admin-payouts';
import { ApiError } from '../../api/client';
import { formatMoney } from '../../lib/money';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Textarea } from '../ui/input';
import { Label } from '../ui/label';
import { PayoutFlags } from './payout-flags';

/**
 * Approve (notes optional) or reject (notes required: refused here before the API is asked, and
 * the API refuses it too) one payout of the queue.
 */
export function ReviewPayoutForm({
  payout,
  pending,
  error,
  onReview,
}: {
  payout: AdminPayout;
  pending: ReviewAction | undefined;
  error: unknown;
  onReview: (action: ReviewAction, notes: string) => void;
}) {
  const { t, i18n } = useTranslation('admin');
  const errorMessage = useErrorMessage();
  const id = useId();
  const notesRef = useRef<HTMLTextAreaElement>(null);
  const [notes, setNotes] = useState('');
  const [notesMissing, setNotesMissing] = useState(false);

  const decide = (action: ReviewAction) => {
    if (action === 'reject' && notes.trim() === '') {
      setNotesMissing(true);
      notesRef.current?.focus();
      return;
    }
    setNotesMissing(false);
    onReview(action, notes.trim());
  };

  return (
    <form
      aria-labelledby={`${id}-title`}
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        decide('approve');
      }}
      noValidate
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
        {t('review.title', { amount: formatMoney(payout.requestedAmount, payout.currency, i18n.language), creator: payout.creatorName })}
      </h2>
      <PayoutFlags flags={payout.flags} />
      {payout.approvalReason && (
        <p className="text-sm text-slate-700">
          {t('review.why')}{' '}
          <span lang="en">{payout.approvalReason}</span>
        </p>
      )}
      {error !== null && error !== undefined && <Alert tone="error">{errorMessage(error)}</Alert>}
      <div className="space-y-1">
        <Label htmlFor={`${id}-notes`}>{t('review.notes')}</Label>
        <Textarea
          ref={notesRef}
          id={`${id}-notes`}
          value={notes}
          maxLength={1000}
          aria-invalid={notesMissing || undefined}
          aria-describedby={`${id}-hint${notesMissing ? ` ${id}-missing` : ''}`}
          onChange={(event) => {
            setNotes(event.target.value);
            if (event.target.value.trim() !== '') setNotesMissing(false);
          }}
        />
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {t('review.notesHint')}
        </p>
        {notesMissing && (
          <p id={`${id}-missing`} role="alert" className="text-sm font-medium text-red-800">
            {t('review.notesRequired')}
          </p>
        )}
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" className="bg-green-700 hover:bg-green-800" disabled={pending !== undefined}>
          {pending === 'approve' ? t('review.approving') : t('actions.approve')}
        </Button>
        <Button type="button" variant="destructive" disabled={pending !== undefined} onClick={() => decide('reject')}>
          {pending === 'reject' ? t('review.rejecting') : t('actions.reject')}
        </Button>
      </div>
    </form>
  );
}

/** What came of a decision, for the page once the payout has left the queue. */
export interface ReviewDecision {
  action: ReviewAction;
  creatorName: string;
  amount: number;
  currency: string;
  reply: ReviewPayoutReply;
}

export function ReviewDecisionMessage({ decision, onDismiss }: { decision: ReviewDecision; onDismiss: () => void }) {
  const { t, i18n } = useTranslation('admin');
  const errorMessage = useErrorMessage();
  const ref = useRef<HTMLDivElement>(null);
  // The form that had focus is gone with its payout: the outcome takes it, so keyboard and screen reader users land on it.
  useEffect(() => ref.current?.focus(), [decision]);
  const amount = formatMoney(decision.amount, decision.currency, i18n.language);
  const { reply } = decision;
  let text: string;
  let tone: 'success' | 'warning' = 'success';
  if (decision.action === 'reject') text = t('review.rejected', { creator: decision.creatorName, amount });
  else if (reply.processingError) {
    const reason = errorMessage(new ApiError(409, reply.processingError.code, reply.processingError.message));
    text = t('review.approvedNotProcessed', { creator: decision.creatorName, amount, reason });
    tone = 'warning';
  } else {
    text = t('review.approved', { creator: decision.creatorName, amount, outcome: t(`outcome.${reply.outcome ?? 'processing'}`) });
    if (reply.outcome === 'failed' || reply.outcome === 'retry_scheduled') tone = 'warning';
  }
  return (
    <Alert ref={ref} tabIndex={-1} tone={tone} className="mb-4 flex items-start justify-between gap-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
      <span>{text}</span>
      <Button variant="ghost" size="sm" onClick={onDismiss}>
        {t('common:close')}
      </Button>
    </Alert>
  );
}
