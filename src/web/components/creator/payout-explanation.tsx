import { useTranslation } from 'react-i18next';
import type { CreatorPayout } from '../../api/creator-payouts';
import { formatDateTime } from '../../lib/dates';

/** The service's plain-words answer to "why am I not paid yet": where the payout stands, what to do, when it is tried again. */
export function PayoutExplanation({ explanation }: { explanation: NonNullable<CreatorPayout['explanation']> }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="space-y-1 text-sm text-slate-800">
      <p>{explanation.message}</p>
      {explanation.action !== null && (
        <p>
          <span className="font-medium">{t('creator:explanation.action')}</span> {explanation.action}
        </p>
      )}
      {explanation.retryAt !== null && <p>{t('creator:explanation.retryAt', { date: formatDateTime(explanation.retryAt, i18n.language) })}</p>}
    </div>
  );
}
