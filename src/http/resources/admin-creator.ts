import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { payoutOrigins, payoutStatuses } from '../../domain/payouts/payout-status.js';
import type { CreatorBalances } from '../../services/creators/creator-balances.js';
import type { CreatorContext } from '../../services/creators/get-creator-context.js';
import type { AdminCreatorRow } from '../../services/creators/list-creators-for-admin.js';
import { onboardingStates, type CreatorOnboarding } from '../../services/creators/onboarding-state.js';
import { minorUnits } from './payment.js';
import { stripeDashboardUrl } from './stripe-dashboard-url.js';
import { countAndAmountResource, payoutsByStatusResource, toPayoutsByStatus } from './payout-totals.js';

const money = z.number().int().describe('Minor units');
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Ledger balances of a creator in one currency. */
export const creatorBalancesResource = z.object({
  available: money.describe('May be requested now (ledger available), minor units'),
  held: money.describe('Earnings in their holding period (ledger held), minor units'),
  reserved: money.describe('Requested, approved or in-flight payouts (ledger reserved), minor units'),
  frozen: money.describe('Under dispute (ledger frozen), minor units'),
  paid: money.describe('Transferred to the creator to date (ledger paid), minor units'),
  debt: money.describe('Owed by the creator after refunds or lost disputes of money already paid out (ledger receivable), minor units'),
});

export function toCreatorBalances(balances: CreatorBalances): z.infer<typeof creatorBalancesResource> {
  return {
    available: minorUnits(balances.available),
    held: minorUnits(balances.held),
    reserved: minorUnits(balances.reserved),
    frozen: minorUnits(balances.frozen),
    paid: minorUnits(balances.paid),
    debt: minorUnits(balances.debt),
  };
}

/** Where the creator stands with Stripe (services/creators/onboarding-state.ts). */
export const onboardingResource = z.object({
  state: z
    .enum(onboardingStates)
    .describe(
      'no_account: no connected account yet; not_started: details not submitted (onboarding not started or not finished); pending: submitted, Stripe is verifying; ' +
        'payouts_disabled: submitted but Stripe needs more (requirementsDue); complete: payouts enabled',
    ),
  chargesEnabled: z.boolean(),
  payoutsEnabled: z.boolean(),
  detailsSubmitted: z.boolean(),
  requirementsDue: z.array(z.string()).describe("Stripe's requirements currently due, e.g. external_account"),
});

export function toOnboarding(onboarding: CreatorOnboarding): z.infer<typeof onboardingResource> {
  const { state, chargesEnabled, payoutsEnabled, detailsSubmitted, requirementsDue } = onboarding;
  return { state, chargesEnabled, payoutsEnabled, detailsSubmitted, requirementsDue };
}

/** One creator in the admin's list (`/dashboard/admin/creators`). */
export const adminCreatorResource = z.object({
  userId: z.string().describe('usr_…: what POST /api/auth/tokens takes'),
  creatorId: z.string().describe('cr_…: what payments name in metadata.creatorId'),
  name: z.string(),
  email: z.string(),
  locale: z.string().describe("The creator's language tag, e.g. en or fr"),
  createdAt: z.string(),
  disabled: z.boolean().describe('The user may no longer log in'),
  stripeAccountId: z.string().nullable(),
  stripeDashboardUrl: z.string().nullable().describe("The account in Stripe's dashboard; null with the local sandbox"),
  onboarding: onboardingResource,
  currency: z.string().describe('The currency of `balances`, lower-case ISO 4217'),
  balances: creatorBalancesResource,
});

export function toAdminCreator(row: AdminCreatorRow, context: { config: Pick<Config, 'stripe'>; currency: string }): z.infer<typeof adminCreatorResource> {
  return {
    userId: row.userId,
    creatorId: row.creatorId,
    name: row.name,
    email: row.email,
    locale: row.locale,
    createdAt: row.createdAt.toISOString(),
    disabled: row.disabled,
    stripeAccountId: row.onboarding.stripeAccountId,
    stripeDashboardUrl: stripeDashboardUrl(context.config, row.onboarding.stripeAccountId),
    onboarding: toOnboarding(row.onboarding),
    currency: context.currency,
    balances: toCreatorBalances(row.balances),
  };
}


const contextPayoutResource = z.object({
  id: z.string(),
  amount: money,
  currency: z.string(),
  status: z.enum(payoutStatuses),
  origin: z.enum(payoutOrigins),
  flags: z.array(z.string()),
  approvalReason: z.string().nullable(),
  requestedAt: z.string(),
  completedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  failureReason: z.string().nullable(),
  reviewNotes: z.string().nullable(),
});

const contextRefundResource = z.object({
  id: z.string().describe("Stripe's refund id"),
  paymentId: z.string(),
  bookingId: z.string().nullable(),
  amount: money.describe('Refunded to the customer, minor units'),
  creatorPart: money.describe("The creator's part of it, minor units"),
  toDebt: money.describe('The part the creator owed afterwards (already paid out), minor units'),
  currency: z.string(),
  source: z.enum(['webhook', 'admin']),
  reason: z.string().nullable(),
  createdAt: z.string(),
});

const contextDisputeResource = z.object({
  id: z.string().describe("Stripe's dispute id"),
  paymentId: z.string(),
  bookingId: z.string().nullable(),
  amount: money,
  creatorPart: money,
  currency: z.string(),
  status: z.enum(['open', 'won', 'lost']),
  reason: z.string().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
});

/** The creator context panel beside the approval queue (seed 002 §7). Every amount is in `currency`. */
export const creatorContextResource = z.object({
  userId: z.string(),
  creatorId: z.string(),
  name: z.string(),
  email: z.string(),
  locale: z.string(),
  createdAt: z.string(),
  disabled: z.boolean(),
  accountAgeDays: z.number().int().describe('Whole days since the creator was created'),
  stripeAccountId: z.string().nullable(),
  stripeDashboardUrl: z.string().nullable(),
  onboarding: onboardingResource,
  currency: z.string().describe("The currency of every amount here: the creator's, or ?currency="),
  balances: creatorBalancesResource,
  lifetimeEarnings: z
    .object({ paymentCount: z.number().int(), grossAmount: money, feeAmount: money, netAmount: money.describe("The creator's share: the lifetime earnings the limit rules judge") })
    .describe('Payments that stand (not cancelled, not fully refunded)'),
  payouts: z.object({
    byStatus: payoutsByStatusResource,
    recent: z.array(contextPayoutResource).describe('The last 10, newest request first'),
  }),
  refunds: countAndAmountResource.extend({ recent: z.array(contextRefundResource).describe('The last 10, newest first') }),
  disputes: countAndAmountResource.extend({
    open: z.number().int(),
    lost: z.number().int(),
    recent: z.array(contextDisputeResource).describe('The last 10, newest first'),
  }),
});

export function toCreatorContext(context: CreatorContext, config: Pick<Config, 'stripe'>): z.infer<typeof creatorContextResource> {
  return {
    userId: context.userId,
    creatorId: context.creatorId,
    name: context.name,
    email: context.email,
    locale: context.locale,
    createdAt: context.createdAt.toISOString(),
    disabled: context.disabled,
    accountAgeDays: context.accountAgeDays,
    stripeAccountId: context.onboarding.stripeAccountId,
    stripeDashboardUrl: stripeDashboardUrl(config, context.onboarding.stripeAccountId),
    onboarding: toOnboarding(context.onboarding),
    currency: context.currency,
    balances: toCreatorBalances(context.balances),
    lifetimeEarnings: {
      paymentCount: context.lifetimeEarnings.paymentCount,
      grossAmount: minorUnits(context.lifetimeEarnings.grossAmount),
      feeAmount: minorUnits(context.lifetimeEarnings.feeAmount),
      netAmount: minorUnits(context.lifetimeEarnings.netAmount),
    },
    payouts: {
      byStatus: toPayoutsByStatus(context.payouts.byStatus),
      recent: context.payouts.recent.map((p) => ({
        id: p.id,
        amount: minorUnits(p.amount),
        currency: p.currency,
        status: p.status,
        origin: p.origin,
        flags: p.flags,
        approvalReason: p.approvalReason,
        requestedAt: p.requestedAt.toISOString(),
        completedAt: iso(p.completedAt),
        failedAt: iso(p.failedAt),
        failureReason: p.failureReason,
        reviewNotes: p.reviewNotes,
      })),
    },
    refunds: {
      count: context.refunds.count,
      amount: minorUnits(context.refunds.amount),
      recent: context.refunds.recent.map((r) => ({ ...r, amount: minorUnits(r.amount), creatorPart: minorUnits(r.creatorPart), toDebt: minorUnits(r.toDebt), createdAt: r.createdAt.toISOString() })),
    },
    disputes: {
      count: context.disputes.count,
      amount: minorUnits(context.disputes.amount),
      open: context.disputes.open,
      lost: context.disputes.lost,
      recent: context.disputes.recent.map((d) => ({ ...d, amount: minorUnits(d.amount), creatorPart: minorUnits(d.creatorPart), createdAt: d.createdAt.toISOString(), closedAt: iso(d.closedAt) })),
    },
  };
}
