/**
 * Every message topic the service queues (DESIGN.md §6), with who it is for and which
 * preference category governs its email. `enqueueMessage` only accepts these topics, so a new
 * topic cannot be queued without an entry here — and `render.test.ts` fails until it has a
 * template in every language (docs/notifications.md "Adding a topic").
 */

/** Email preference categories (`GET/PUT /api/notifications/preferences`). In-app is always on. */
export const notificationCategories = ['payments', 'payouts', 'refunds_disputes', 'alerts'] as const;
export type NotificationCategory = (typeof notificationCategories)[number];

/** The languages every template has. */
export const notificationLocales = ['en', 'fr'] as const;
export type NotificationLocale = (typeof notificationLocales)[number];

export interface TopicSpec {
  category: NotificationCategory;
  /** Who the code addresses it to: a creator (`user:<id>`), every admin (`admins`) or a customer (`email:<address>`). */
  audience: 'creator' | 'admins' | 'customer';
  /**
   * `critical`: sent by email whatever the preferences say, subject `[CRITICAL] …`, no unsubscribe
   * link; `warning`: an admin alert with a `[WARNING] …` subject; `info`: everything else.
   * A payload's own `severity: 'critical'` raises a warning to critical.
   */
  severity: 'critical' | 'warning' | 'info';
}

export const topics = {
  // Payments
  'payment.received': { category: 'payments', audience: 'creator', severity: 'info' },
  'payment.released': { category: 'payments', audience: 'creator', severity: 'info' },

  // Payouts
  'payout.requested': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.approved': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.rejected': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.cancelled': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.scheduled': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.paid': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.retrying': { category: 'payouts', audience: 'creator', severity: 'info' },
  'payout.failed': { category: 'payouts', audience: 'creator', severity: 'info' },
  'creator.payouts_disabled': { category: 'payouts', audience: 'creator', severity: 'critical' },
  'payout.approval_required': { category: 'payouts', audience: 'admins', severity: 'info' },

  // Refunds and disputes
  'payment.refunded': { category: 'refunds_disputes', audience: 'creator', severity: 'info' },
  'payment.disputed': { category: 'refunds_disputes', audience: 'creator', severity: 'info' },
  'payment.dispute_closed': { category: 'refunds_disputes', audience: 'creator', severity: 'info' },
  'creator.debt_recovered': { category: 'refunds_disputes', audience: 'creator', severity: 'info' },
  'booking.refunded': { category: 'refunds_disputes', audience: 'customer', severity: 'info' },

  // Admin alerts
  'alert.dispute_created': { category: 'alerts', audience: 'admins', severity: 'critical' },
  'alert.dispute_lost': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.payout_bank_payout_failed': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.payout_retries_exhausted': { category: 'alerts', audience: 'admins', severity: 'critical' },
  'alert.automatic_transfers_failed': { category: 'alerts', audience: 'admins', severity: 'critical' },
  'alert.payout_stale': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.payout_unexpected_transfer': { category: 'alerts', audience: 'admins', severity: 'critical' },
  'alert.payout_transfer_partially_reversed': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.webhook_retries_exhausted': { category: 'alerts', audience: 'admins', severity: 'warning' },
  // Raised by the payout monitor (docs/alerts.md), and the summary of a run that found too many at once.
  'alert.payout_review_overdue': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.payout_bank_payout_overdue': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.payout_failure_rate': { category: 'alerts', audience: 'admins', severity: 'critical' },
  'alert.webhook_events_failing': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.alerts_summarised': { category: 'alerts', audience: 'admins', severity: 'warning' },
  // Raised by the platform balance check (docs/balance.md, seed 002 §5).
  'alert.balance_critical': { category: 'alerts', audience: 'admins', severity: 'critical' },
  'alert.balance_warning': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.balance_below_reserve': { category: 'alerts', audience: 'admins', severity: 'warning' },
  'alert.balance_runout_projected': { category: 'alerts', audience: 'admins', severity: 'warning' },
  // Raised by the reconciliation with Stripe (docs/reconciliation.md), one per difference.
  'alert.reconciliation_difference': { category: 'alerts', audience: 'admins', severity: 'warning' },
} as const satisfies Record<string, TopicSpec>;

export type Topic = keyof typeof topics;
export const topicNames = Object.keys(topics) as Topic[];

export function isTopic(value: string): value is Topic {
  return Object.hasOwn(topics, value);
}

/** The effective severity of one message: its topic's, raised to critical by a payload that says so. */
export function severityOf(topic: Topic, payload: Record<string, unknown>): TopicSpec['severity'] {
  return payload.severity === 'critical' ? 'critical' : topics[topic].severity;
}

export function isNotificationLocale(value: unknown): value is NotificationLocale {
  return value === 'en' || value === 'fr';
}
