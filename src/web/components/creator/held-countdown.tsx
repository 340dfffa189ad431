import { useTranslation } from 'react-i18next';
import { formatDuration } from '../../lib/dates';

/** `P1DT2H3M4S`: the machine-readable form of a duration, for `<time dateTime>`. */
function isoDuration(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  return `P${days}DT${hours}H${minutes}M${seconds}S`;
}

/**
 * The time left before a held payment becomes available, to the second. Not a live region on
 * purpose: a screen reader would otherwise read it out every second.
 */
export function HeldCountdown({ seconds }: { seconds: number }) {
  const { t, i18n } = useTranslation();
  if (seconds <= 0) return <span>{t('creator:held.dueNow')}</span>;
  return (
    <time dateTime={isoDuration(seconds)} className="tabular">
      {formatDuration(seconds, i18n.language, { withSeconds: true })}
    </time>
  );
}
