import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { creatorLocale } from '../../domain/payouts/messages.js';
import { explainPayout, payoutExplanationStates } from '../../domain/payouts/payout-explanation.js';
import { payoutOrigins, payoutStatuses } from '../../domain/payouts/payout-status.js';
import type { Payout } from '../../services/payouts/create-payout.js';
import type { PayoutHistoryRow } from '../../services/payouts/list-payout-history.js';
import { minorUnits } from './payment.js';

export const payoutExplanationResource = z
  .object({
    state: z.enum(payoutExplanationStates),
    message: z.string().describe("Where the payout stands and why, in the creator's language"),
    action: z.string().nullable().describe('What the creator should do; null when nothing is needed from them'),
    retryAt: z.string().nullable().describe('When the next attempt is planned (state retrying)'),
  })
  .describe('Plain-language status of a payout not yet paid; null once PAID');

/** A payout as its creator sees it (history, detail, open requests). */
export const creatorPayoutResource = z.object({
  id: z.string(),
  creatorId: z.string(),
  amount: z.number().int().describe('Minor units'),
  currency: z.string().describe('Lower-case ISO 4217'),
  status: z.enum(payoutStatuses),
  origin: z.enum(payoutOrigins).describe('request (the creator asked), automatic (after a hold) or scheduled'),
  flags: z.array(z.string()).describe('Limit and fraud rules that flagged it (seed 002 §6)'),
  requestedAt: z.string(),
  processingStartedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  nextRetryAt: z.string().nullable(),
  cancelledAt: z.string().nullable().describe('When it was cancelled, or rejected by an admin (explanation.state "rejected"); null unless CANCELLED'),
  stripeTransferId: z.string().nullable(),
  explanation: payoutExplanationResource.nullable(),
});

export type CreatorPayoutResource = z.infer<typeof creatorPayoutResource>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The resource, with the explanation in the creator's language and for their payout mode. */
export function toCreatorPayoutResource(
  row: Pick<PayoutHistoryRow, 'creatorLocale' | 'creatorPayoutMode'> & { payout: Payout },
  context: { config: Pick<Config, 'payoutMode' | 'payoutRetry'>; now: Date },
): CreatorPayoutResource {
  const { payout } = row;
  const explanation = explainPayout(payout, {
    locale: creatorLocale(row.creatorLocale),
    now: context.now,
    mode: row.creatorPayoutMode ?? context.config.payoutMode,
    maxRetries: context.config.payoutRetry.maxRetries,
  });
  return {
    id: payout.id,
    creatorId: payout.creatorId,
    amount: minorUnits(payout.amount),
    currency: payout.currency,
    status: payout.status,
    origin: payout.origin,
    flags: payout.flags,
    requestedAt: payout.requestedAt.toISOString(),
    processingStartedAt: iso(payout.processingStartedAt),
    completedAt: iso(payout.completedAt),
    failedAt: iso(payout.failedAt),
    nextRetryAt: iso(payout.nextRetryAt),
    // A cancelled payout is closed for good: its last update is its cancellation (a rejection records its review time).
    cancelledAt: payout.status === 'CANCELLED' ? iso(payout.reviewedAt ?? payout.updatedAt) : null,
    stripeTransferId: payout.stripeTransferId,
    explanation: explanation && { ...explanation, retryAt: iso(explanation.retryAt) },
  };
}
