import { useTranslation } from 'react-i18next';
import { formatDuration } from '../../lib/dates';

const OPEN_STATUSES = new Set(['PENDING_APPROVAL', 'PENDING', 'PROCESSING']);

/** How long an open payout has waited since it was requested ("3 hr, 4 min": short, so the table fits a laptop's width); a dash once it is closed. */
export function WaitingTime({ status, requestedAt, now }: { status: string; requestedAt: string; now: number }) {
  const { t, i18n } = useTranslation('admin');
  if (!OPEN_STATUSES.has(status)) return <span className="text-slate-500">{t('none')}</span>;
  const seconds = (now - Date.parse(requestedAt)) / 1000;
  return <span className="whitespace-nowrap">{formatDuration(seconds, i18n.language, { precision: 2, short: true })}</span>;
}
