import { AppError } from '../errors/index.js';

/**
 * A payout's lifecycle (DESIGN.md §4):
 *
 * ```
 * PENDING_APPROVAL ──approve──> PENDING ──process──> PROCESSING ──transfer (+ bank payout)──> PAID
 *        │                         │                    │  ↺ retryable failure (backoff)      │
 *        └──reject──> CANCELLED <──┘ cancel             └──final failure──> FAILED <─────────┘ payout.failed after payout.paid
 * ```
 *
 * PROCESSING covers "transfer being created", "waiting for a retry" and "transfer made, bank
 * payout under way"; the payout row's saga fields tell them apart.
 */
export const payoutStatuses = ['PENDING_APPROVAL', 'PENDING', 'PROCESSING', 'PAID', 'FAILED', 'CANCELLED'] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

/** A creator's request (manual mode), the automatic transfer of one payment after its hold, or a scheduled sweep. */
export const payoutOrigins = ['request', 'automatic', 'scheduled'] as const;
export type PayoutOrigin = (typeof payoutOrigins)[number];

/** Statuses in which a payout still holds its reservation. */
export const openPayoutStatuses: readonly PayoutStatus[] = ['PENDING_APPROVAL', 'PENDING', 'PROCESSING'];

const legalTransitions: Record<PayoutStatus, readonly PayoutStatus[]> = {
  PENDING_APPROVAL: ['PENDING', 'CANCELLED'],
  PENDING: ['PROCESSING', 'CANCELLED'],
  PROCESSING: ['PAID', 'FAILED'],
  // Stripe may fail a bank payout after reporting it paid (`payout.failed` after `payout.paid`).
  PAID: ['FAILED'],
  FAILED: [],
  CANCELLED: [],
};

export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return legalTransitions[from].includes(to);
}

/** @throws AppError PAYOUT_INVALID_TRANSITION (409) for a move the lifecycle does not allow. */
export function assertTransition(payoutId: string, from: PayoutStatus, to: PayoutStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('PAYOUT_INVALID_TRANSITION', `Payout ${payoutId} is ${from} and cannot become ${to}`, {
      kind: 'conflict',
      details: { payoutId, from, to },
    });
  }
}

export function isOpenPayoutStatus(status: PayoutStatus): boolean {
  return openPayoutStatuses.includes(status);
}
