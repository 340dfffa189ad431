import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { BulkProcessResult } from '../../api/admin-payouts';
import { ApiError } from '../../api/client';
import { formatMoney } from '../../lib/money';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';

export type ProcessOutcome = NonNullable<BulkProcessResult['outcome']>;

/** What came of processing one payout: the saga's outcome, or why the service refused it. */
export interface ProcessResult {
  payoutId: string;
  creatorName: string;
  amount: number;
  currency: string;
  result: { ok: true; outcome: ProcessOutcome } | { ok: false; error: unknown };
}

/** The bulk reply's `error` as the `ApiError` the rest of the app translates. */
export function bulkResultError(result: BulkProcessResult): ApiError {
  return new ApiError(409, result.error?.code ?? 'PAYOUT_NOT_PROCESSABLE', result.error?.message ?? '');
}

const SUCCESSES: readonly ProcessOutcome[] = ['paid', 'processing'];

/** One payout's outcome in words, for its row and for the summary. */
export function OutcomeText({ result }: { result: ProcessResult['result'] }) {
  const { t } = useTranslation('admin');
  const errorMessage = useErrorMessage();
  if (!result.ok) return <span className="text-red-800">{t('outcome.refused', { reason: errorMessage(result.error) })}</span>;
  return <span className={SUCCESSES.includes(result.outcome) ? 'text-green-800' : 'text-red-800'}>{t(`outcome.${result.outcome}`)}</span>;
}

/** The last run's outcome for each payout it touched, kept until dismissed (a processed row may leave a filtered table). */
export function ProcessResults({ results, onDismiss }: { results: readonly ProcessResult[]; onDismiss: () => void }) {
  const { t, i18n } = useTranslation('admin');
  const ref = useRef<HTMLDivElement>(null);
  // The outcome takes focus: the Process button that was used may be gone with its row.
  useEffect(() => ref.current?.focus(), [results]);
  if (results.length === 0) return null;
  const succeeded = results.filter((entry) => entry.result.ok && SUCCESSES.includes(entry.result.outcome)).length;
  const tone = succeeded === results.length ? 'success' : succeeded === 0 ? 'error' : 'warning';
  return (
    <Alert ref={ref} tabIndex={-1} tone={tone} className="mb-4 focus-visible:outline-2 focus-visible:outline-indigo-600">
      <div className="flex items-start justify-between gap-4">
        <div>
          <p className="font-medium">{t('outcome.summary', { count: results.length, succeeded })}</p>
          <ul className="mt-1 space-y-0.5">
            {results.map((entry) => (
              <li key={entry.payoutId}>
                {entry.creatorName}, <span className="tabular">{formatMoney(entry.amount, entry.currency, i18n.language)}</span>: <OutcomeText result={entry.result} />
              </li>
            ))}
          </ul>
        </div>
        <Button variant="ghost" size="sm" onClick={onDismiss}>
          {t('common:close')}
        </Button>
      </div>
    </Alert>
  );
}
