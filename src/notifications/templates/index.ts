import type { Topic } from '../catalog.js';
import { bookingRefunded } from './booking-refunded.js';
import { alertBalanceBelowReserve, alertBalanceCritical, alertBalanceRunoutProjected, alertBalanceWarning } from './balance-alerts.js';
import { creatorPayoutsDisabled } from './creator-account.js';
import type { TopicTemplate } from './define-template.js';
import { alertDisputeCreated, alertDisputeLost } from './dispute-alerts.js';
import { paymentReceived, paymentReleased } from './payments.js';
import {
  alertAutomaticTransfersFailed,
  alertPayoutBankPayoutFailed,
  alertPayoutRetriesExhausted,
  alertPayoutStale,
  alertPayoutTransferPartiallyReversed,
  alertPayoutUnexpectedTransfer,
} from './payout-alerts.js';
import { payoutApprovalRequired } from './payout-approval-required.js';
import { payoutApproved, payoutCancelled, payoutRejected, payoutRequested, payoutScheduled } from './payout-requests.js';
import { payoutFailed, payoutPaid, payoutRetrying } from './payout-transfers.js';
import { creatorDebtRecovered, paymentDisputed, paymentDisputeClosed, paymentRefunded } from './refunds-disputes.js';
import { alertReconciliationDifference } from './reconciliation-alerts.js';
import { alertAlertsSummarised, alertPayoutBankPayoutOverdue, alertPayoutFailureRate, alertPayoutReviewOverdue, alertWebhookEventsFailing } from './monitor-alerts.js';
import { alertWebhookRetriesExhausted } from './webhook-alerts.js';

/**
 * The template of every catalog topic. Typed by the catalog: a topic added to `catalog.ts`
 * without a template here does not compile (and `render.test.ts` fails, for the runtime).
 */
export const templates: Readonly<Record<Topic, TopicTemplate>> = {
  'payment.received': paymentReceived,
  'payment.released': paymentReleased,

  'payout.requested': payoutRequested,
  'payout.approved': payoutApproved,
  'payout.rejected': payoutRejected,
  'payout.cancelled': payoutCancelled,
  'payout.scheduled': payoutScheduled,
  'payout.paid': payoutPaid,
  'payout.retrying': payoutRetrying,
  'payout.failed': payoutFailed,
  'creator.payouts_disabled': creatorPayoutsDisabled,
  'payout.approval_required': payoutApprovalRequired,

  'payment.refunded': paymentRefunded,
  'payment.disputed': paymentDisputed,
  'payment.dispute_closed': paymentDisputeClosed,
  'creator.debt_recovered': creatorDebtRecovered,
  'booking.refunded': bookingRefunded,

  'alert.dispute_created': alertDisputeCreated,
  'alert.dispute_lost': alertDisputeLost,
  'alert.payout_bank_payout_failed': alertPayoutBankPayoutFailed,
  'alert.payout_retries_exhausted': alertPayoutRetriesExhausted,
  'alert.automatic_transfers_failed': alertAutomaticTransfersFailed,
  'alert.payout_stale': alertPayoutStale,
  'alert.payout_unexpected_transfer': alertPayoutUnexpectedTransfer,
  'alert.payout_transfer_partially_reversed': alertPayoutTransferPartiallyReversed,
  'alert.webhook_retries_exhausted': alertWebhookRetriesExhausted,
  'alert.payout_review_overdue': alertPayoutReviewOverdue,
  'alert.payout_bank_payout_overdue': alertPayoutBankPayoutOverdue,
  'alert.payout_failure_rate': alertPayoutFailureRate,
  'alert.webhook_events_failing': alertWebhookEventsFailing,
  'alert.alerts_summarised': alertAlertsSummarised,
  'alert.balance_critical': alertBalanceCritical,
  'alert.balance_warning': alertBalanceWarning,
  'alert.balance_below_reserve': alertBalanceBelowReserve,
  'alert.balance_runout_projected': alertBalanceRunoutProjected,
  'alert.reconciliation_difference': alertReconciliationDifference,
};
