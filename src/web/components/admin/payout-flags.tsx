import { useTranslation } from 'react-i18next';
import { Badge } from '../ui/badge';

/** Why the limit and fraud rules looked twice at a payout (seed 002 §6), in words; a dash when none. */
export function PayoutFlags({ flags }: { flags: readonly string[] }) {
  const { t } = useTranslation('admin');
  if (flags.length === 0) return <span className="text-slate-500">{t('none')}</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label={t('flags.label')}>
      {flags.map((flag) => (
        <li key={flag}>
          <Badge tone={flag === 'NEW_ACCOUNT' ? 'neutral' : 'warning'}>{t(`flags.${flag}`, { defaultValue: flag })}</Badge>
        </li>
      ))}
    </ul>
  );
}
