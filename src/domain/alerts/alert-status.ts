/**
 * An alert's lifecycle (DESIGN.md §6, docs/alerts.md):
 *
 * ```
 * OPEN ──acknowledge──> ACKNOWLEDGED ──resolve (note)──> RESOLVED
 *   └──────────────resolve (note) / condition cleared──────────┘
 * ```
 *
 * Snoozing (until a time) keeps the status: it silences the alert until then. RESOLVED is final;
 * the same condition firing again later opens a new alert.
 */
export const alertStatuses = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** `critical`: someone must act now (money is wrong or stuck for good); `warning`: look today; `info`: for the record. */
export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

const severityRank: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** The graver of two severities (a condition that worsens while open keeps its alert, raised). */
export function graverSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return severityRank[a] >= severityRank[b] ? a : b;
}
