import { eq, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { creators, payoutBlockedAttempts } from '../../db/schema/index.js';
import { AppError, isAppError, type AppErrorKind } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import { evaluatePayoutLimits, startOfCalendarMonth, startOfDailyWindow, type PayoutLimitInput, type PayoutLimitResult } from '../../domain/payouts/limits.js';
import {
  creatorLocale,
  limitRefusalErrorCodes,
  payoutRefusalMessage,
  payoutRequestedMessage,
  type CreatorLocale,
  type PayoutRequestRefusal,
} from '../../domain/payouts/messages.js';
import { balance, creatorAccount } from '../../ledger/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { refreshAccountStatus } from '../creators/refresh-account-status.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import { createPayout, type CreatedPayout } from './create-payout.js';
import { creatorRecipient } from './payout-lifecycle.js';

export interface RequestPayoutInput {
  /** The creator asking: from the caller's principal, never from the request body. */
  creatorId: string;
  /** Minor units. A number must be a safe integer; anything else is PAYOUT_INVALID_AMOUNT. */
  amount: bigint | number;
  /** Default: the creator's currency. */
  currency?: string | undefined;
  actor: Actor;
}

export interface RequestedPayout extends CreatedPayout {
  limits: PayoutLimitResult;
  /** The creator-facing success message, in their language (seed 000). */
  message: string;
  locale: CreatorLocale;
}

/** A request the limit rules refused, written after the attempt's transaction rolled back. */
interface BlockedAttempt {
  creatorId: string;
  amount: bigint;
  currency: string;
  result: PayoutLimitResult;
}

/**
 * A creator asks for a payout (seed 000 "Creator Payout Request", seed 002 §6), in one
 * transaction: the creator's row is locked first, so two requests of one creator (a double
 * submit) run one after the other and the second sees the first. Checks, in this order, each
 * refusal with a stable code and a message in the creator's language (`creators.locale`):
 *
 * 1. the amount: a positive whole number of minor units (PAYOUT_INVALID_AMOUNT, 400), at least
 *    `config.limits.minPayoutMinor` (PAYOUT_BELOW_MINIMUM, 400);
 * 2. a connected Stripe account (PAYOUT_STRIPE_NOT_CONNECTED, 400) with payouts enabled
 *    (PAYOUT_PAYOUTS_DISABLED, 400);
 * 3. no other open request in that currency (PAYOUT_REQUEST_ALREADY_OPEN, 400);
 * 4. at most the available balance (PAYOUT_INSUFFICIENT_BALANCE, 400);
 * 5. the limit rules (`evaluatePayoutLimits`): a refusal is a 422 `PAYOUT_LIMIT_*` and a row in
 *    `payout_blocked_attempts`, written in its own transaction after the attempt rolled back.
 *
 * Then `createPayout` reserves the money (`available` → `reserved`) and covers the oldest READY
 * payments, the payout is PENDING_APPROVAL when a rule flagged it (with its reason, flags and
 * metadata, and a `payout.approval_required` message to admins) or PENDING, and the creator gets a
 * `payout.requested` message.
 *
 * @example
 * const { payout, message } = await requestPayout(db, { creatorId, amount: 12600n, actor: 'user:usr_1' }, context);
 * // payout.status 'PENDING'; message 'Demande de paiement de 126,00 € créée avec succès' for a French creator
 */
export async function requestPayout(
  db: Db,
  input: RequestPayoutInput,
  context: Pick<ServiceContext, 'config' | 'clock'> & Partial<Pick<ServiceContext, 'stripe'>>,
): Promise<RequestedPayout> {
  // Before refusing because payouts are disabled, ask Stripe (issue 14 §5): a creator linked by
  // `users create --stripe-account` may never get the `account.updated` that would enable them.
  if (context.stripe) await refreshIfPayoutsDisabled(db, input, { stripe: context.stripe, clock: context.clock });
  let blocked: BlockedAttempt | undefined;
  try {
    return await db.transaction(async (tx) => {
      const now = context.clock.now();
      const [creator] = await tx.select().from(creators).where(eq(creators.id, input.creatorId)).for('update');
      if (!creator) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'not_found' });
      const locale = creatorLocale(creator.locale);
      const refuse = (refusal: PayoutRequestRefusal, kind: AppErrorKind = 'invalid', details?: Record<string, unknown>) =>
        new AppError(refusal.code, payoutRefusalMessage(refusal, locale), { kind, ...(details ? { details } : {}) });
      const currency = normalizeCurrency(input.currency ?? creator.currency);

      // 1. The amount.
      const amount = strictMinorUnits(input.amount);
      if (amount === null) throw refuse({ code: 'PAYOUT_INVALID_AMOUNT' }, 'invalid', { param: 'amount' });
      const minimum = BigInt(context.config.limits.minPayoutMinor);
      if (amount < minimum) throw refuse({ code: 'PAYOUT_BELOW_MINIMUM', currency, minimum }, 'invalid', { minimum: Number(minimum) });
      // 2. Where the money goes.
      if (creator.stripeAccountId === null) throw refuse({ code: 'PAYOUT_STRIPE_NOT_CONNECTED' });
      if (!creator.payoutsEnabled) throw refuse({ code: 'PAYOUT_PAYOUTS_DISABLED' });
      // 3. One open request per currency (the unique index in createPayout is the backstop).
      const open = await tx.execute<{ id: string }>(sql`
        select id from payouts where creator_id = ${creator.id} and currency = ${currency} and origin = 'request'
          and status in ('PENDING_APPROVAL', 'PENDING', 'PROCESSING') limit 1`);
      if (open.rows.length > 0) throw refuse({ code: 'PAYOUT_REQUEST_ALREADY_OPEN', currency }, 'invalid', { payoutId: open.rows[0]!.id });
      // 4. The balance.
      const available = await balance(tx, creatorAccount(creator.id, 'available', currency));
      if (amount > available) throw refuse({ code: 'PAYOUT_INSUFFICIENT_BALANCE', currency, available }, 'invalid', { available: Number(available) });
      // 5. Limits and fraud rules.
      const limitInput = await loadLimitInput(tx, { creatorId: creator.id, accountCreatedAt: creator.createdAt, amount, currency, now });
      const limits = evaluatePayoutLimits(limitInput, context.config.limits);
      if (!limits.allowed) {
        blocked = { creatorId: creator.id, amount, currency, result: limits };
        throw limitRefusal(limits, currency, context.config.limits.newAccountDays, locale);
      }

      const status = limits.requiresApproval ? 'PENDING_APPROVAL' : 'PENDING';
      let created: CreatedPayout;
      try {
        created = await createPayout(
          tx,
          {
            creatorId: creator.id,
            amount,
            currency,
            origin: 'request',
            status,
            actor: input.actor,
            approvalReason: limits.requiresApproval ? (limits.reason ?? null) : null,
            flags: limits.flags,
            limitMetadata: { ...limits.metadata },
          },
          context,
        );
      } catch (error) {
        throw localized(error, { currency, available }, locale);
      }
      const message = payoutRequestedMessage({ amount, currency, status }, locale);
      const payload = { payoutId: created.payout.id, amount: String(amount), currency, status };
      await enqueueMessage(tx, {
        topic: 'payout.requested',
        recipient: await creatorRecipient(tx, creator.id),
        payload: { ...payload, message, locale },
        dedupeKey: `payout.requested:${created.payout.id}`,
        at: now,
      });
      if (limits.requiresApproval) {
        await enqueueMessage(tx, {
          topic: 'payout.approval_required',
          recipient: 'admins',
          payload: { ...payload, creatorId: creator.id, reason: limits.reason ?? null, flags: limits.flags, metadata: limits.metadata },
          dedupeKey: `payout.approval_required:${created.payout.id}`,
          at: now,
        });
      }
      return { ...created, limits, message, locale };
    });
  } catch (error) {
    if (blocked) await recordBlockedAttempt(db, blocked, context.clock.now());
    throw error;
  }
}

/** The amount as bigint minor units, or null when it is not a positive whole number. */
function strictMinorUnits(amount: bigint | number): bigint | null {
  if (typeof amount === 'number') return Number.isSafeInteger(amount) && amount > 0 ? BigInt(amount) : null;
  return amount > 0n ? amount : null;
}

/** The 422 for a refusal by the limit rules: a `PAYOUT_LIMIT_*` code, the rule and its metadata in details. */
function limitRefusal(result: PayoutLimitResult, currency: string, newAccountDays: number, locale: CreatorLocale): AppError {
  const rule = result.code!;
  const code = limitRefusalErrorCodes[rule];
  const limit = BigInt(result.metadata.limit ?? 0);
  const refusal: PayoutRequestRefusal =
    code === 'PAYOUT_LIMIT_TOO_SOON'
      ? { code, retryAfterSeconds: result.metadata.retryAfterSeconds ?? 0 }
      : code === 'PAYOUT_LIMIT_EXCEEDS_DAILY_COUNT'
        ? { code, count: Number(limit) }
        : { code: code as 'PAYOUT_LIMIT_EXCEEDS_SINGLE', currency, limit, days: newAccountDays };
  return new AppError(code, payoutRefusalMessage(refusal, locale), {
    kind: 'unprocessable',
    details: { rule, limit: result.metadata.limit, ...(result.metadata.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.metadata.retryAfterSeconds } : {}) },
  });
}

/** createPayout's refusals (a race on the open-request index, the balance, an admin hold) in the creator's language, codes unchanged. */
function localized(error: unknown, context: { currency: string; available: bigint }, locale: CreatorLocale): unknown {
  if (!isAppError(error)) return error;
  const refusal: PayoutRequestRefusal | undefined =
    error.code === 'PAYOUT_REQUEST_ALREADY_OPEN'
      ? { code: error.code, currency: context.currency }
      : error.code === 'PAYOUT_INSUFFICIENT_BALANCE'
        ? { code: error.code, currency: context.currency, available: context.available }
        : error.code === 'PAYOUT_FUNDS_ON_HOLD'
          ? { code: error.code }
          : undefined;
  if (!refusal) return error;
  return new AppError(error.code, payoutRefusalMessage(refusal, locale), { kind: error.kind, details: error.details, cause: error });
}

/**
 * What the limit rules look at, for one creator and currency, in one query. Amounts and counts
 * are per currency and ignore CANCELLED and FAILED payouts (their money came back); the time of
 * the last request and the refused attempts are per creator.
 */
async function loadLimitInput(
  tx: DbExecutor,
  input: { creatorId: string; accountCreatedAt: Date; amount: bigint; currency: string; now: Date },
): Promise<PayoutLimitInput> {
  const { creatorId, currency, now } = input;
  const dayStart = startOfDailyWindow(now).toISOString();
  const monthStart = startOfCalendarMonth(now).toISOString();
  const { rows } = await tx.execute<{
    recent: Array<{ amount: string; requested_at: string }> | null;
    monthly: string | null;
    earlier: number;
    last_request_at: string | null;
    lifetime: string | null;
    blocked: number;
  }>(sql`
    with counted as (
      select amount, requested_at from payouts
      where creator_id = ${creatorId} and currency = ${currency} and status not in ('CANCELLED', 'FAILED')
    )
    select
      (select json_agg(json_build_object('amount', amount::text, 'requested_at', requested_at)) from counted where requested_at > ${dayStart}::timestamptz) as recent,
      (select sum(amount)::text from counted where requested_at >= ${monthStart}::timestamptz) as monthly,
      (select count(*)::int from counted) as earlier,
      (select max(requested_at) from payouts where creator_id = ${creatorId} and origin = 'request') as last_request_at,
      (select sum(creator_amount)::text from payments where creator_id = ${creatorId} and currency = ${currency} and status not in ('CANCELLED', 'REFUNDED')) as lifetime,
      (select count(*)::int from payout_blocked_attempts where creator_id = ${creatorId} and created_at > ${dayStart}::timestamptz) as blocked`);
  const row = rows[0]!;
  return {
    amount: input.amount,
    currency,
    now,
    accountCreatedAt: input.accountCreatedAt,
    recentPayouts: (row.recent ?? []).map((p) => ({ amount: BigInt(p.amount), requestedAt: new Date(p.requested_at) })),
    monthlyPayoutAmount: BigInt(row.monthly ?? 0),
    lifetimeEarnings: BigInt(row.lifetime ?? 0),
    earlierPayoutCount: Number(row.earlier),
    lastRequestAt: row.last_request_at === null ? null : new Date(row.last_request_at),
    recentBlockedAttempts: Number(row.blocked),
  };
}

/** Keep a refused request (seed 002 §6) for review and for the frequency rule. */
async function recordBlockedAttempt(db: Db, attempt: BlockedAttempt, now: Date): Promise<void> {
  await db.insert(payoutBlockedAttempts).values({
    id: newId('blk'),
    creatorId: attempt.creatorId,
    amount: attempt.amount,
    currency: attempt.currency,
    code: attempt.result.code!,
    reason: attempt.result.reason ?? attempt.result.code!,
    flags: attempt.result.flags,
    limitMetadata: { ...attempt.result.metadata },
    createdAt: now,
  });
}

async function refreshIfPayoutsDisabled(db: Db, input: RequestPayoutInput, context: Pick<ServiceContext, 'stripe' | 'clock'>): Promise<void> {
  const [creator] = await db.select({ stripeAccountId: creators.stripeAccountId, payoutsEnabled: creators.payoutsEnabled }).from(creators).where(eq(creators.id, input.creatorId));
  if (!creator?.stripeAccountId || creator.payoutsEnabled) return;
  try {
    await refreshAccountStatus(db, { creatorId: input.creatorId, actor: input.actor }, context);
  } catch {
    // Stripe unreachable: the stored status stands, and the request is refused as before.
  }
}
