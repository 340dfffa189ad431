import { CircleCheck, Info, OctagonExclamationPoint, TriangleExclamationPoint } from 'lucide-react';
import type { AlertSeverity, AlertStatus } from '../../api/admin-alerts';
import type { ThresholdStatus } from '../../api/admin-balance';
import { Badge } from '../ui/badge';
import { useMonitoringTranslation } from '../../i18n/monitoring';

const SEVERITY = {
  critical: { tone: 'danger', Icon: OctagonExclamationPoint },
  warning: { tone: 'warning', Icon: TriangleExclamationPoint },
  info: { tone: 'info', Icon: Info },
} as const;

/** An alert's severity in words, with an icon of its own shape (colour only helps). */
export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  const { t } = useMonitoringTranslation();
  const { tone, Icon } = SEVERITY[severity];
  return (
    <Badge tone={tone} className="gap-1">
      <Icon aria-hidden className="size-3.5" />
      {t(`severity.${severity}`)}
    </Badge>
  );
}

const STATUS_TONES: Record<AlertStatus, 'danger' | 'info' | 'neutral'> = { OPEN: 'danger', ACKNOWLEDGED: 'info', RESOLVED: 'neutral' };

/** OPEN, ACKNOWLEDGED or RESOLVED, in words. */
export function AlertStatusBadge({ status }: { status: AlertStatus }) {
  const { t } = useMonitoringTranslation();
  return <Badge tone={STATUS_TONES[status]}>{t(`alertStatus.${status}`)}</Badge>;
}

const THRESHOLD = {
  depleted: { tone: 'danger', Icon: OctagonExclamationPoint },
  critical: { tone: 'danger', Icon: OctagonExclamationPoint },
  warning: { tone: 'warning', Icon: TriangleExclamationPoint },
  healthy: { tone: 'success', Icon: CircleCheck },
} as const;

/** The platform balance's threshold status (seed 002: depleted, critical, warning, healthy), in words. */
export function ThresholdStatusBadge({ status, className }: { status: ThresholdStatus; className?: string }) {
  const { t } = useMonitoringTranslation();
  const { tone, Icon } = THRESHOLD[status];
  return (
    <Badge tone={tone} className={['gap-1', className].filter(Boolean).join(' ')}>
      <Icon aria-hidden className="size-3.5" />
      {t(`threshold.${status}`)}
    </Badge>
  );
}
