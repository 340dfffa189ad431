import { useTranslation } from 'react-i18next';
import { Badge } from './ui/badge';

const TONES: Record<string, 'neutral' | 'info' | 'warning' | 'success' | 'danger'> = {
  PENDING_APPROVAL: 'warning',
  PENDING: 'info',
  PROCESSING: 'info',
  PAID: 'success',
  FAILED: 'danger',
  CANCELLED: 'neutral',
  REJECTED: 'danger',
  HELD: 'warning',
  READY: 'success',
  DISPUTED: 'danger',
};

/** A payout's or a payment's status, in words and colour (the words carry the meaning; the colour only helps). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Badge tone={TONES[status] ?? 'neutral'}>{t(`status.${status}`, { defaultValue: status })}</Badge>;
}
