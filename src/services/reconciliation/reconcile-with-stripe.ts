import { and, eq, gte, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import {
  alerts,
  creatorClawbacks,
  paymentDisputes,
  paymentRefunds,
  payments,
  payouts,
  reconciliationItems,
  reconciliationRuns,
  type ReconciliationCounts,
} from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import {
  awaitedAtStripe,
  classifyBankPayout,
  classifyMoneyIn,
  classifyReversal,
  classifyTransfer,
  missingAtStripe,
  type ClawbackRecord,
  type ItemDraft,
  type MoneyInFacts,
  type MoneyInRecord,
  type PayoutRecord,
  type TransferFacts,
} from '../../domain/reconciliation/classify.js';
import { differenceClasses, itemFingerprint, type MatchMethod } from '../../domain/reconciliation/reconciliation-item.js';
import { formatMoney } from '../../domain/money/index.js';
import { raiseAlerts, type AlertInput } from '../alerts/raise-alert.js';
import { resolveAlertsByFingerprint } from '../alerts/resolve-cleared-alerts.js';
import type { ServiceContext } from '../context.js';
import type { StripeBalanceTransaction, StripeBankPayout, StripeCharge, StripeDispute, StripeList, StripeRefund, StripeTransfer, StripeTransferReversal } from '../../providers/stripe/index.js';

export type ReconciliationRun = typeof reconciliationRuns.$inferSelect;
export type ReconciliationItem = typeof reconciliationItems.$inferSelect;

/** The parts of a run, in order (for a progress bar). */
export const reconcilePhases = ['transfers', 'bank_payouts', 'balance_transactions', 'records'] as const;
export type ReconcilePhase = (typeof reconcilePhases)[number];

export interface ReconcileProgress {
  phase: ReconcilePhase;
  stripeObjects: number;
  stripeRequests: number;
  items: number;
}

export interface ReconcileInput {
  /** Start of the period (Stripe objects created at or after it). Default: two days before `until`. */
  since?: Date | undefined;
  /** End of the period (exclusive). Default: now. */
  until?: Date | undefined;
  actor: string;
  onProgress?: (progress: ReconcileProgress) => void;
}

/** Default period: the last two days, so that each daily run sees yesterday whole and re-checks what was in flight. */
export const DEFAULT_PERIOD_MS = 2 * 24 * 60 * 60 * 1000;
/** A run whose heartbeat is older than this was abandoned (its process died); the next run marks it failed. */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;
/** Lists read at once (time slices of the period, or accounts). */
const STREAMS = 4;
/** How often a run tells that it is alive (and how far it got), at most. */
const HEARTBEAT_MS = 5_000;
/** Rows per INSERT of items. */
const CHUNK = 500;
/** Bank payouts belong to payouts transferred up to this long before the period (retries, slow banks). */
const BANK_PAYOUT_LOOKBACK_MS = 14 * 24 * 60 * 60 * 1000;

export const RECONCILIATION_ALERT_TYPE = 'reconciliation_difference';

/**
 * Compare the service's books with Stripe's over a period (issue 14 §4, docs/reconciliation.md):
 * the platform's transfers and their reversals, the bank payouts of the connected accounts whose
 * payouts the service drives, and the platform's balance transactions (charges, refunds,
 * disputes), each matched to our payouts, clawbacks, payments, refunds and disputes by id, then by
 * metadata / transfer group, then by amount and date. Then every record of ours in the period that
 * Stripe did not list is looked up by its id. Every item lands in one class; each difference not
 * already accepted by an admin opens an alert (one summary over 100), and alerts whose object
 * this run found in order are resolved.
 *
 * Reads go through the Stripe policy's `reconcile.read` operation, whose rate is capped below the
 * whole budget. One run at a time: a second gets 409 RECONCILIATION_RUNNING.
 */
export async function reconcileWithStripe(db: Db, context: ServiceContext, input: ReconcileInput): Promise<ReconciliationRun> {
  const now = context.clock.now();
  const until = input.until ?? now;
  const since = input.since ?? new Date(until.getTime() - DEFAULT_PERIOD_MS);
  if (!(since.getTime() < until.getTime())) {
    throw new AppError('RECONCILIATION_PERIOD_INVALID', `The period must start before it ends (since ${since.toISOString()}, until ${until.toISOString()})`, { kind: 'invalid', details: { param: 'since' } });
  }
  const run = await startRun(db, { since, until, actor: input.actor, now });
  const reconciliation = new Reconciliation(db, context, run, input.onProgress);
  try {
    await reconciliation.transfers();
    await reconciliation.bankPayouts();
    await reconciliation.balanceTransactions();
    await reconciliation.records();
    return await reconciliation.finish();
  } catch (error) {
    await db
      .update(reconciliationRuns)
      .set({ status: 'failed', finishedAt: context.clock.now(), error: error instanceof Error ? error.message : String(error), stripeRequests: reconciliation.requests, stripeObjects: reconciliation.objects })
      .where(eq(reconciliationRuns.id, run.id));
    throw error;
  }
}

async function startRun(db: Db, input: { since: Date; until: Date; actor: string; now: Date }): Promise<ReconciliationRun> {
  return db.transaction(async (tx) => {
    await tx
      .update(reconciliationRuns)
      .set({ status: 'failed', finishedAt: input.now, error: 'Abandoned: its process stopped before it finished' })
      .where(and(eq(reconciliationRuns.status, 'running'), lt(reconciliationRuns.heartbeatAt, new Date(input.now.getTime() - ABANDONED_AFTER_MS))));
    const [running] = await tx.select().from(reconciliationRuns).where(eq(reconciliationRuns.status, 'running'));
    if (running) {
      throw new AppError('RECONCILIATION_RUNNING', `Reconciliation run ${running.id} (started ${running.startedAt.toISOString()} by ${running.startedBy}) is still running`, {
        kind: 'conflict',
        details: { runId: String(running.id) },
      });
    }
    const inserted = await tx
      .insert(reconciliationRuns)
      .values({ status: 'running', startedBy: input.actor, periodStart: input.since, periodEnd: input.until, startedAt: input.now, heartbeatAt: input.now })
      .onConflictDoNothing()
      .returning();
    if (!inserted[0]) throw new AppError('RECONCILIATION_RUNNING', 'Another reconciliation run started at the same moment', { kind: 'conflict' });
    return inserted[0];
  });
}

const payoutColumns = {
  id: payouts.id,
  amount: payouts.amount,
  currency: payouts.currency,
  status: payouts.status,
  stripeAccountId: payouts.stripeAccountId,
  stripeTransferId: payouts.stripeTransferId,
  stripeBankPayoutId: payouts.stripeBankPayoutId,
  failureCode: payouts.lastErrorCode,
  nextRetryAt: payouts.nextRetryAt,
  processingStartedAt: payouts.processingStartedAt,
};

const unix = (date: Date) => Math.floor(date.getTime() / 1000);
const fromUnix = (seconds: number) => new Date(seconds * 1000);
const idOf = (value: string | { id: string } | null | undefined) => (value === null || value === undefined ? null : typeof value === 'string' ? value : value.id);

/** The payout a transfer names: its `payoutId` metadata, else its `payout_<id>` transfer group. */
function payoutNamedBy(transfer: Pick<StripeTransfer, 'metadata' | 'transfer_group'>): string | null {
  const fromMetadata = transfer.metadata?.payoutId;
  if (fromMetadata) return fromMetadata;
  return transfer.transfer_group?.startsWith('payout_') ? transfer.transfer_group.slice('payout_'.length) : null;
}

class Reconciliation {
  requests = 0;
  objects = 0;
  private itemCount = 0;
  private acceptedCount = 0;
  private readonly counts: ReconciliationCounts = { matched: 0, expected: 0, mismatched: 0, missing_here: 0, missing_at_stripe: 0 };
  private readonly pending: ItemDraft[] = [];
  /** Differences to alert, by fingerprint. */
  private readonly toAlert = new Map<string, { draft: ItemDraft; about: string }>();
  /** What this run saw (by `kind:id`), to resolve the alerts of differences that cleared. */
  private readonly seenAbouts = new Set<string>();
  private readonly seen = { transferPayouts: new Set<string>(), clawbacks: new Set<string>(), bankPayouts: new Set<string>(), payments: new Set<string>(), namedPayouts: new Set<string>() };
  private phase: ReconcilePhase = 'transfers';
  private lastHeartbeat = 0;
  private readonly gte: number;
  private readonly lt: number;

  constructor(
    private readonly db: Db,
    private readonly context: ServiceContext,
    private readonly run: ReconciliationRun,
    private readonly onProgress: ((progress: ReconcileProgress) => void) | undefined,
  ) {
    this.gte = unix(run.periodStart);
    // Stripe's `created` is in whole seconds: an object made in the run's last second (a run started
    // right after it, "reconcile now") is in the period, so the end is rounded up.
    this.lt = Math.ceil(run.periodEnd.getTime() / 1000);
  }

  private get stripe() {
    return this.context.stripe;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    this.requests += 1;
    return request();
  }

  private progress(): void {
    this.onProgress?.({ phase: this.phase, stripeObjects: this.objects, stripeRequests: this.requests, items: this.itemCount + this.pending.length });
  }

  private add(draft: ItemDraft): void {
    this.pending.push(draft);
    this.seenAbouts.add(aboutOf(draft));
  }

  // ── Transfers and their reversals ────────────────────────────────────────────────────────────

  async transfers(): Promise<void> {
    this.phase = 'transfers';
    await this.eachSlice((gte, lt) => this.eachPage((startingAfter) => this.stripe.listTransfers({ gte, lt, startingAfter }), (data) => this.handleTransfers(data)));
  }

  /**
   * The period cut into `STREAMS` equal slices of time, listed at once: Stripe answers a list page
   * in a few hundred milliseconds, so one stream of pages uses a fraction of the budget the
   * policy allows reconciliation; several fill it (the policy still paces every request).
   */
  private async eachSlice(list: (gte: number, lt: number) => Promise<void>): Promise<void> {
    const span = this.lt - this.gte;
    const streams = Math.max(1, Math.min(STREAMS, span));
    const bounds = Array.from({ length: streams + 1 }, (_, i) => this.gte + Math.floor((span * i) / streams));
    await Promise.all(bounds.slice(0, -1).map((gte, i) => list(gte, bounds[i + 1]!)));
  }

  /**
   * Every page of a Stripe list, handled in order; the next page is asked for as soon as this one
   * has arrived, so Stripe's answer and our database work overlap (the request budget still paces them).
   */
  private async eachPage<T extends { id: string }>(fetch: (startingAfter: string | undefined) => Promise<StripeList<T>>, handle: (data: T[]) => Promise<void>): Promise<void> {
    let next = this.call(() => fetch(undefined));
    for (;;) {
      const page = await next;
      this.objects += page.data.length;
      const last = page.data.at(-1)?.id;
      const more = page.has_more && last !== undefined;
      if (more) {
        next = this.call(() => fetch(last));
        next.catch(() => undefined); // awaited below; a failure while this page is handled must not go unhandled
      }
      await handle(page.data);
      await this.flush();
      if (!more) break;
    }
  }

  private async handleTransfers(transfers: readonly StripeTransfer[]): Promise<void> {
    if (transfers.length === 0) return;
    const named = transfers.map(payoutNamedBy).filter((id): id is string => id !== null);
    const rows = await this.db
      .select(payoutColumns)
      .from(payouts)
      .where(
        or(
          inArray(
            payouts.stripeTransferId,
            transfers.map((t) => t.id),
          ),
          named.length > 0 ? inArray(payouts.id, named) : undefined,
        ),
      );
    const byTransfer = new Map(rows.filter((row) => row.stripeTransferId !== null).map((row) => [row.stripeTransferId!, row]));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const reversed = transfers.filter((t) => (t.amount_reversed ?? 0) > 0).map((t) => t.id);
    const clawedBack = new Map<string, bigint>();
    if (reversed.length > 0) {
      const sums = await this.db
        .select({ transferId: creatorClawbacks.stripeTransferId, amount: sql<string>`sum(${creatorClawbacks.amount})` })
        .from(creatorClawbacks)
        .where(inArray(creatorClawbacks.stripeTransferId, reversed))
        .groupBy(creatorClawbacks.stripeTransferId);
      for (const row of sums) clawedBack.set(row.transferId, BigInt(row.amount));
    }
    const withReversals: { transfer: StripeTransfer; payout: PayoutRecord | undefined }[] = [];
    for (const transfer of transfers) {
      const namesPayout = payoutNamedBy(transfer);
      let payout: PayoutRecord | undefined = byTransfer.get(transfer.id);
      let matchedBy: MatchMethod | null = payout ? 'id' : null;
      if (!payout && namesPayout && byId.has(namesPayout)) {
        payout = byId.get(namesPayout);
        matchedBy = 'metadata';
      }
      if (!payout) {
        payout = await this.payoutByAmount(transfer);
        if (payout) matchedBy = 'amount';
      }
      if (payout && matchedBy === 'id') this.seen.transferPayouts.add(payout.id);
      if (payout && matchedBy !== 'id') this.seen.namedPayouts.add(payout.id);
      this.add(classifyTransfer({ ...transferFacts(transfer), clawedBack: clawedBack.get(transfer.id) ?? 0n }, payout, matchedBy));
      // A transfer we did not make is one difference, its reversals with it.
      if ((transfer.amount_reversed ?? 0) > 0 && payout) withReversals.push({ transfer, payout: matchedBy === 'id' ? payout : undefined });
    }
    await this.handleReversals(withReversals);
  }

  /** A payout that recorded no transfer, with this transfer's amount, currency and destination, started within two days of it. */
  private async payoutByAmount(transfer: StripeTransfer): Promise<PayoutRecord | undefined> {
    const destination = idOf(transfer.destination);
    if (!destination) return undefined;
    const created = fromUnix(transfer.created);
    const [row] = await this.db
      .select(payoutColumns)
      .from(payouts)
      .where(
        and(
          sql`${payouts.stripeTransferId} is null`,
          inArray(payouts.status, ['PROCESSING', 'FAILED']),
          eq(payouts.stripeAccountId, destination),
          eq(payouts.amount, BigInt(transfer.amount)),
          eq(payouts.currency, transfer.currency),
          gte(payouts.processingStartedAt, new Date(created.getTime() - 2 * 86_400_000)),
          lt(payouts.processingStartedAt, new Date(created.getTime() + 2 * 86_400_000)),
        ),
      )
      .limit(1);
    return row;
  }

  private async handleReversals(list: readonly { transfer: StripeTransfer; payout: PayoutRecord | undefined }[]): Promise<void> {
    const all: { reversal: StripeTransferReversal; transfer: StripeTransfer; payout: PayoutRecord | undefined; completes: boolean }[] = [];
    for (const { transfer, payout } of list) {
      const reversals = [...(transfer.reversals?.data ?? [])];
      if (transfer.reversals?.has_more) {
        reversals.length = 0;
        let startingAfter: string | undefined;
        for (;;) {
          const page = await this.call(() => this.stripe.listTransferReversals({ transferId: transfer.id, startingAfter }));
          reversals.push(...page.data);
          startingAfter = page.data.at(-1)?.id;
          if (!page.has_more || !startingAfter) break;
        }
      }
      this.objects += reversals.length;
      let cumulative = 0;
      for (const reversal of [...reversals].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))) {
        const before = cumulative;
        cumulative += reversal.amount;
        all.push({ reversal, transfer, payout, completes: before < transfer.amount && cumulative >= transfer.amount });
      }
    }
    if (all.length === 0) return;
    const clawbacks = await this.db
      .select({ id: creatorClawbacks.id, amount: creatorClawbacks.amount, currency: creatorClawbacks.currency, payoutId: creatorClawbacks.payoutId, reversalId: creatorClawbacks.stripeReversalId })
      .from(creatorClawbacks)
      .where(
        inArray(
          creatorClawbacks.stripeReversalId,
          all.map((entry) => entry.reversal.id),
        ),
      );
    const byReversal = new Map<string, ClawbackRecord>(clawbacks.map((row) => [row.reversalId, row]));
    for (const { reversal, transfer, payout, completes } of all) {
      const clawback = byReversal.get(reversal.id);
      if (clawback) this.seen.clawbacks.add(clawback.id);
      this.add(
        classifyReversal(
          {
            id: reversal.id,
            transferId: transfer.id,
            amount: BigInt(reversal.amount),
            currency: reversal.currency,
            created: fromUnix(reversal.created),
            reason: reversal.metadata?.reason ?? null,
            namesPayout: reversal.metadata?.payoutId ?? null,
            completesTransfer: completes,
          },
          payout,
          clawback,
        ),
      );
    }
  }

  // ── Bank payouts of the accounts whose payouts the service drives ─────────────────────────────

  async bankPayouts(): Promise<void> {
    this.phase = 'bank_payouts';
    this.progress();
    const accounts = await this.db
      .selectDistinct({ accountId: payouts.stripeAccountId })
      .from(payouts)
      .where(
        and(
          eq(payouts.awaitsBankPayout, true),
          isNotNull(payouts.stripeAccountId),
          gte(payouts.processingStartedAt, new Date(this.run.periodStart.getTime() - BANK_PAYOUT_LOOKBACK_MS)),
          lt(payouts.processingStartedAt, this.run.periodEnd),
        ),
      );
    // Accounts `STREAMS` at a time.
    const queue = accounts.map((row) => row.accountId!);
    const worker = async () => {
      for (let accountId = queue.shift(); accountId !== undefined; accountId = queue.shift()) {
        const account = accountId;
        await this.eachPage(
          (startingAfter) => this.stripe.listConnectedPayouts({ accountId: account, gte: this.gte, lt: this.lt, startingAfter }),
          (data) => this.handleBankPayouts(account, data),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(STREAMS, queue.length) }, worker));
  }

  private async handleBankPayouts(accountId: string, list: readonly StripeBankPayout[]): Promise<void> {
    if (list.length === 0) return;
    const named = list.map((p) => p.metadata?.payoutId).filter((id): id is string => Boolean(id));
    const rows = await this.db
      .select(payoutColumns)
      .from(payouts)
      .where(
        or(
          inArray(
            payouts.stripeBankPayoutId,
            list.map((p) => p.id),
          ),
          named.length > 0 ? inArray(payouts.id, named) : undefined,
        ),
      );
    const byBank = new Map(rows.filter((row) => row.stripeBankPayoutId !== null).map((row) => [row.stripeBankPayoutId!, row]));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const now = this.context.clock.now();
    for (const bank of list) {
      let payout: PayoutRecord | undefined = byBank.get(bank.id);
      let matchedBy: MatchMethod | null = payout ? 'id' : null;
      const namesPayout = bank.metadata?.payoutId ?? null;
      if (!payout && namesPayout && byId.has(namesPayout)) {
        payout = byId.get(namesPayout);
        matchedBy = 'metadata';
      }
      if (payout && matchedBy === 'id') this.seen.bankPayouts.add(payout.id);
      this.add(
        classifyBankPayout(
          { id: bank.id, accountId, amount: BigInt(bank.amount), currency: bank.currency, status: bank.status, created: fromUnix(bank.created), arrivalDate: fromUnix(bank.arrival_date), namesPayout },
          payout,
          matchedBy,
          now,
        ),
      );
    }
  }

  // ── Charges, refunds and disputes on the platform's balance ───────────────────────────────────

  async balanceTransactions(): Promise<void> {
    this.phase = 'balance_transactions';
    this.progress();
    await this.eachSlice((gte, lt) => this.eachPage((startingAfter) => this.stripe.listBalanceTransactions({ gte, lt, startingAfter }), (data) => this.handleBalanceTransactions(data)));
  }

  private async handleBalanceTransactions(transactions: readonly StripeBalanceTransaction[]): Promise<void> {
    const charges: { charge: StripeCharge; created: Date }[] = [];
    const refunds: { refund: StripeRefund; amount: bigint; currency: string; created: Date }[] = [];
    const disputes: { dispute: StripeDispute; amount: bigint; reinstated: boolean; currency: string; created: Date }[] = [];
    for (const transaction of transactions) {
      const source = transaction.source;
      if (!source || typeof source === 'string') continue;
      const created = fromUnix(transaction.created);
      if ((transaction.type === 'charge' || transaction.type === 'payment') && source.object === 'charge') charges.push({ charge: source, created });
      else if (transaction.type === 'refund' && source.object === 'refund') refunds.push({ refund: source, amount: BigInt(-transaction.amount), currency: transaction.currency, created });
      else if (transaction.type === 'adjustment' && source.object === 'dispute') {
        disputes.push({ dispute: source, amount: BigInt(Math.abs(transaction.amount)), reinstated: transaction.amount > 0, currency: transaction.currency, created });
      }
    }
    await this.handleCharges(charges);
    if (refunds.length > 0) {
      const rows = await this.db
        .select({ id: paymentRefunds.id, amount: paymentRefunds.amount, currency: paymentRefunds.currency })
        .from(paymentRefunds)
        .where(
          inArray(
            paymentRefunds.id,
            refunds.map((r) => r.refund.id),
          ),
        );
      const byId = new Map(rows.map((row) => [row.id, row]));
      // A failed booking's refund (POST /api/checkout/sessions/:id/booking-failed) is recorded on its
      // payment — REFUNDED, `metadata.refundId` — and has no payment_refunds row unless its
      // charge.refunded webhook came first: found through the refund's `metadata.paymentId`. It
      // booked what the payment's other refunds (their rows) had not returned.
      const unpaired = refunds.filter((r) => !byId.has(r.refund.id) && typeof r.refund.metadata?.paymentId === 'string');
      const bookingRefunds = new Map<string, MoneyInRecord>();
      if (unpaired.length > 0) {
        const paymentIds = unpaired.map((r) => r.refund.metadata!.paymentId!);
        const paymentRows = await this.db
          .select({ id: payments.id, refundedAmount: payments.refundedAmount, currency: payments.currency, status: payments.status, metadata: payments.metadata })
          .from(payments)
          .where(inArray(payments.id, paymentIds));
        const rowsOf = await this.db
          .select({ paymentId: paymentRefunds.paymentId, amount: sql<string>`sum(${paymentRefunds.amount})::text` })
          .from(paymentRefunds)
          .where(inArray(paymentRefunds.paymentId, paymentIds))
          .groupBy(paymentRefunds.paymentId);
        const otherRefunds = new Map(rowsOf.map((row) => [row.paymentId, BigInt(row.amount)]));
        for (const payment of paymentRows) {
          const refundId = payment.metadata.refundId;
          if (!refundId) continue;
          const amount = payment.refundedAmount - (otherRefunds.get(payment.id) ?? 0n);
          bookingRefunds.set(refundId, { type: 'payment', id: payment.id, amount, currency: payment.currency, status: payment.status, statusAgrees: payment.status === 'REFUNDED' });
        }
      }
      const now = this.context.clock.now();
      for (const { refund, amount, currency, created } of refunds) {
        const row = byId.get(refund.id);
        const record: MoneyInRecord | undefined = row ? { type: 'refund', id: row.id, amount: row.amount, currency: row.currency, status: 'recorded', statusAgrees: true } : bookingRefunds.get(refund.id);
        this.add(classifyMoneyIn({ kind: 'refund', id: refund.id, amount, currency, status: refund.status ?? 'succeeded', created }, record, row ? 'id' : record ? 'metadata' : null, now));
      }
    }
    if (disputes.length > 0) {
      const rows = await this.db
        .select({ id: paymentDisputes.id, amount: paymentDisputes.amount, currency: paymentDisputes.currency, status: paymentDisputes.status })
        .from(paymentDisputes)
        .where(
          inArray(
            paymentDisputes.id,
            disputes.map((d) => d.dispute.id),
          ),
        );
      const byId = new Map(rows.map((row) => [row.id, row]));
      const now = this.context.clock.now();
      for (const { dispute, amount, reinstated, currency, created } of disputes) {
        const row = byId.get(dispute.id);
        const record: MoneyInRecord | undefined = row && {
          type: 'dispute',
          id: row.id,
          amount: row.amount,
          currency: row.currency,
          status: row.status,
          statusAgrees: reinstated ? row.status === 'won' : true,
        };
        const facts: MoneyInFacts = { kind: 'dispute', id: dispute.id, amount, currency, status: reinstated ? 'funds_reinstated' : 'funds_withdrawn', created };
        this.add(classifyMoneyIn(facts, record, row ? 'id' : null, now));
      }
    }
  }

  private async handleCharges(charges: readonly { charge: StripeCharge; created: Date }[]): Promise<void> {
    if (charges.length === 0) return;
    const intents = charges.map((c) => idOf(c.charge.payment_intent)).filter((id): id is string => id !== null);
    const rows = await this.db
      .select({ id: payments.id, amount: payments.amount, currency: payments.currency, status: payments.status, chargeId: payments.stripeChargeId, intentId: payments.stripePaymentIntentId })
      .from(payments)
      .where(
        or(
          inArray(
            payments.stripeChargeId,
            charges.map((c) => c.charge.id),
          ),
          intents.length > 0 ? inArray(payments.stripePaymentIntentId, intents) : undefined,
        ),
      );
    const byCharge = new Map(rows.filter((row) => row.chargeId).map((row) => [row.chargeId!, row]));
    const byIntent = new Map(rows.filter((row) => row.intentId).map((row) => [row.intentId!, row]));
    const now = this.context.clock.now();
    for (const { charge, created } of charges) {
      let row = byCharge.get(charge.id);
      let matchedBy: MatchMethod | null = row ? 'id' : null;
      const intent = idOf(charge.payment_intent);
      if (!row && intent && byIntent.has(intent)) {
        row = byIntent.get(intent);
        matchedBy = 'metadata';
      }
      if (row) this.seen.payments.add(row.id);
      const record: MoneyInRecord | undefined = row && { type: 'payment', id: row.id, amount: row.amount, currency: row.currency, status: row.status, statusAgrees: true };
      this.add(classifyMoneyIn({ kind: 'charge', id: charge.id, amount: BigInt(charge.amount), currency: charge.currency, status: charge.status, created }, record, matchedBy, now));
    }
  }

  // ── Our records of the period that Stripe did not list ────────────────────────────────────────

  async records(): Promise<void> {
    this.phase = 'records';
    this.progress();
    const now = this.context.clock.now();
    const inPeriod = (column: typeof payouts.transferredAt) => and(gte(column, this.run.periodStart), lt(column, this.run.periodEnd));

    // Payouts whose transfer Stripe did not list in the period: made at its edge, or lost.
    const transferred = await this.db.select(payoutColumns).from(payouts).where(and(isNotNull(payouts.stripeTransferId), inPeriod(payouts.transferredAt)));
    for (const payout of transferred) {
      if (this.seen.transferPayouts.has(payout.id)) continue;
      const transfer = await this.call(() => this.stripe.findTransfer(payout.stripeTransferId!));
      if (transfer) {
        this.objects += 1;
        await this.handleTransfers([transfer]);
      } else {
        this.add(
          missingAtStripe({
            kind: 'transfer',
            stripeId: payout.stripeTransferId,
            localType: 'payout',
            localId: payout.id,
            amount: payout.amount,
            currency: payout.currency,
            status: payout.status,
            at: payout.processingStartedAt ?? now,
            why: `Payout ${payout.id} (${payout.status}) recorded transfer ${payout.stripeTransferId}, which Stripe does not have`,
          }),
        );
      }
      await this.flushIfFull();
    }

    // Payouts processing without a transfer: in flight until they are stale.
    const staleBefore = now.getTime() - this.context.config.payoutStaleMinutes * 60_000;
    const processing = await this.db
      .select(payoutColumns)
      .from(payouts)
      .where(and(eq(payouts.status, 'PROCESSING'), sql`${payouts.stripeTransferId} is null`, lt(payouts.processingStartedAt, this.run.periodEnd)));
    for (const payout of processing) {
      if (this.seen.namedPayouts.has(payout.id)) continue;
      const started = payout.processingStartedAt ?? now;
      const facts = { kind: 'transfer' as const, localType: 'payout' as const, localId: payout.id, amount: payout.amount, currency: payout.currency, status: payout.status, at: started };
      if (payout.nextRetryAt !== null || started.getTime() > staleBefore) {
        this.add(awaitedAtStripe({ ...facts, why: `Payout ${payout.id} is processing${payout.nextRetryAt ? `, its transfer retried at ${payout.nextRetryAt.toISOString()}` : ''}; no transfer yet` }));
      } else {
        this.add(missingAtStripe({ ...facts, stripeId: null, why: `Payout ${payout.id} has been processing since ${started.toISOString()} and Stripe has no transfer for it` }));
      }
    }

    // Clawbacks whose reversal was not listed with its transfer.
    const clawbacks = await this.db
      .select()
      .from(creatorClawbacks)
      .where(and(gte(creatorClawbacks.createdAt, this.run.periodStart), lt(creatorClawbacks.createdAt, this.run.periodEnd)));
    for (const clawback of clawbacks) {
      if (this.seen.clawbacks.has(clawback.id)) continue;
      const transfer = await this.call(() => this.stripe.findTransfer(clawback.stripeTransferId));
      const embedded = transfer?.reversals?.data.some((reversal) => reversal.id === clawback.stripeReversalId);
      if (transfer && (embedded || transfer.reversals?.has_more)) {
        this.objects += 1;
        const [payout] = await this.db.select(payoutColumns).from(payouts).where(eq(payouts.stripeTransferId, transfer.id));
        await this.handleReversals([{ transfer, payout }]);
      }
      if (!this.seen.clawbacks.has(clawback.id)) {
        this.add(
          missingAtStripe({
            kind: 'transfer_reversal',
            stripeId: clawback.stripeReversalId,
            localType: 'clawback',
            localId: clawback.id,
            amount: clawback.amount,
            currency: clawback.currency,
            status: 'recorded',
            at: clawback.createdAt,
            why: `Clawback ${clawback.id} recorded reversal ${clawback.stripeReversalId} of transfer ${clawback.stripeTransferId}, which Stripe does not have`,
          }),
        );
      }
      await this.flushIfFull();
    }

    // Bank payouts we recorded that Stripe did not list.
    const banked = await this.db
      .select({ ...payoutColumns, transferredAt: payouts.transferredAt })
      .from(payouts)
      .where(and(isNotNull(payouts.stripeBankPayoutId), isNotNull(payouts.stripeAccountId), inPeriod(payouts.transferredAt)));
    for (const payout of banked) {
      if (this.seen.bankPayouts.has(payout.id)) continue;
      const bank = await this.call(() => this.stripe.findConnectedPayout({ accountId: payout.stripeAccountId!, bankPayoutId: payout.stripeBankPayoutId! }));
      if (bank) {
        this.objects += 1;
        await this.handleBankPayouts(payout.stripeAccountId!, [bank]);
      } else {
        this.add(
          missingAtStripe({
            kind: 'bank_payout',
            stripeId: payout.stripeBankPayoutId,
            localType: 'payout',
            localId: payout.id,
            amount: payout.amount,
            currency: payout.currency,
            status: payout.status,
            at: payout.transferredAt ?? now,
            why: `Payout ${payout.id} (${payout.status}) recorded bank payout ${payout.stripeBankPayoutId} on ${payout.stripeAccountId}, which Stripe does not have`,
          }),
        );
      }
      await this.flushIfFull();
    }

    // Payments whose charge the platform's balance did not show in the period.
    const paid = await this.db
      .select({ id: payments.id, amount: payments.amount, currency: payments.currency, status: payments.status, chargeId: payments.stripeChargeId, createdAt: payments.createdAt })
      .from(payments)
      .where(and(isNotNull(payments.stripeChargeId), gte(payments.createdAt, this.run.periodStart), lt(payments.createdAt, this.run.periodEnd)));
    for (const payment of paid) {
      if (this.seen.payments.has(payment.id)) continue;
      const charge = await this.call(() => this.stripe.findCharge(payment.chargeId!));
      if (charge) {
        this.objects += 1;
        await this.handleCharges([{ charge, created: fromUnix(charge.created) }]);
      } else {
        this.add(
          missingAtStripe({
            kind: 'charge',
            stripeId: payment.chargeId,
            localType: 'payment',
            localId: payment.id,
            amount: payment.amount,
            currency: payment.currency,
            status: payment.status,
            at: payment.createdAt,
            why: `Payment ${payment.id} recorded charge ${payment.chargeId}, which Stripe does not have`,
          }),
        );
      }
      await this.flushIfFull();
    }
    await this.flush();
  }

  // ── Storing items, alerts, the run's end ──────────────────────────────────────────────────────

  private async flushIfFull(): Promise<void> {
    if (this.pending.length >= CHUNK) await this.flush();
  }

  /** Store the items found so far (acceptances of earlier runs carried over) and beat the heart. */
  private async flush(): Promise<void> {
    const drafts = this.pending.splice(0, this.pending.length);
    const now = this.context.clock.now();
    for (let start = 0; start < drafts.length; start += CHUNK) {
      const chunk = drafts.slice(start, start + CHUNK).map((draft) => ({ draft, fingerprint: itemFingerprint(draft) }));
      const differences = chunk.filter(({ draft }) => differenceClasses.includes(draft.class));
      const accepted = new Map<string, { acceptedAt: Date | null; acceptedBy: string | null; acceptNote: string | null; runId: bigint }>();
      if (differences.length > 0) {
        const rows = await this.db
          .selectDistinctOn([reconciliationItems.fingerprint], {
            fingerprint: reconciliationItems.fingerprint,
            acceptedAt: reconciliationItems.acceptedAt,
            acceptedBy: reconciliationItems.acceptedBy,
            acceptNote: reconciliationItems.acceptNote,
            runId: reconciliationItems.runId,
          })
          .from(reconciliationItems)
          .where(
            and(
              isNotNull(reconciliationItems.acceptedAt),
              inArray(
                reconciliationItems.fingerprint,
                differences.map((d) => d.fingerprint),
              ),
            ),
          )
          .orderBy(reconciliationItems.fingerprint, sql`${reconciliationItems.acceptedAt} desc`);
        for (const row of rows) accepted.set(row.fingerprint, row);
      }
      await this.db.insert(reconciliationItems).values(
        chunk.map(({ draft, fingerprint }) => {
          const earlier = differenceClasses.includes(draft.class) ? accepted.get(fingerprint) : undefined;
          this.counts[draft.class] += 1;
          if (earlier) this.acceptedCount += 1;
          else if (differenceClasses.includes(draft.class)) this.toAlert.set(fingerprint, { draft, about: aboutOf(draft) });
          return {
            runId: this.run.id,
            kind: draft.kind,
            class: draft.class,
            stripeId: draft.stripeId,
            localType: draft.localType,
            localId: draft.localId,
            currency: draft.currency,
            stripeAmount: draft.stripeAmount,
            localAmount: draft.localAmount,
            stripeStatus: draft.stripeStatus,
            localStatus: draft.localStatus,
            matchedBy: draft.matchedBy,
            differences: draft.differences,
            summary: draft.summary,
            fingerprint,
            occurredAt: draft.occurredAt,
            ...(earlier && { acceptedAt: earlier.acceptedAt, acceptedBy: earlier.acceptedBy, acceptNote: `Accepted in run ${earlier.runId}: ${earlier.acceptNote ?? ''}`.trim() }),
          };
        }),
      );
      this.itemCount += chunk.length;
    }
    if (now.getTime() - this.lastHeartbeat >= HEARTBEAT_MS) {
      this.lastHeartbeat = now.getTime();
      await this.db.update(reconciliationRuns).set({ heartbeatAt: now, stripeRequests: this.requests, stripeObjects: this.objects }).where(eq(reconciliationRuns.id, this.run.id));
    }
    this.progress();
  }

  async finish(): Promise<ReconciliationRun> {
    await this.flush();
    const now = this.context.clock.now();
    return this.db.transaction(async (tx) => {
      const inputs: AlertInput[] = [...this.toAlert.entries()].map(([fingerprint, { draft, about }]) => alertFor(fingerprint, draft, about, this.run.id, now));
      const { raised } = await raiseAlerts(tx, inputs, { summary: { fingerprint: `alerts_summarised:${RECONCILIATION_ALERT_TYPE}`, source: 'Reconciliation with Stripe', at: now } });
      for (const { alert } of raised) {
        const itemFingerprint = alert.fingerprint.slice(RECONCILIATION_ALERT_TYPE.length + 1);
        await tx
          .update(reconciliationItems)
          .set({ alertId: alert.id })
          .where(and(eq(reconciliationItems.runId, this.run.id), eq(reconciliationItems.fingerprint, itemFingerprint)));
      }
      // Alerts about objects this run found in order (matched, expected, or accepted) have cleared.
      const firing = new Set(inputs.map((input) => input.fingerprint));
      const open = await tx
        .select({ fingerprint: alerts.fingerprint, about: sql<string | null>`${alerts.details}->>'about'` })
        .from(alerts)
        .where(and(eq(alerts.type, RECONCILIATION_ALERT_TYPE), sql`${alerts.status} <> 'RESOLVED'`));
      const cleared = open.filter((alert) => !firing.has(alert.fingerprint) && alert.about !== null && this.seenAbouts.has(alert.about)).map((alert) => alert.fingerprint);
      await resolveAlertsByFingerprint(tx, { fingerprints: cleared, note: `Cleared: reconciliation run ${this.run.id} found it in order`, at: now });
      const [finished] = await tx
        .update(reconciliationRuns)
        .set({
          status: 'completed',
          finishedAt: now,
          heartbeatAt: now,
          counts: this.counts,
          acceptedCount: this.acceptedCount,
          stripeObjects: this.objects,
          stripeRequests: this.requests,
          alertsOpened: raised.filter((r) => r.opened).length,
        })
        .where(eq(reconciliationRuns.id, this.run.id))
        .returning();
      return finished!;
    });
  }
}

function transferFacts(transfer: StripeTransfer): TransferFacts {
  return {
    id: transfer.id,
    amount: BigInt(transfer.amount),
    reversedAmount: BigInt(transfer.amount_reversed ?? 0),
    currency: transfer.currency,
    destination: idOf(transfer.destination as string | { id: string } | null),
    created: fromUnix(transfer.created),
    namesPayout: payoutNamedBy(transfer),
  };
}

/** What an item is about, whatever its class: the same object found in order later clears its alert. */
function aboutOf(draft: ItemDraft): string {
  return `${draft.kind}:${draft.stripeId ?? draft.localId ?? '?'}`;
}

/** Money left or came in without us (or twice) is critical; other differences are warnings. */
function severityOf(draft: ItemDraft): 'critical' | 'warning' {
  if (draft.class === 'missing_here' && (draft.kind === 'transfer' || draft.kind === 'bank_payout' || draft.kind === 'transfer_reversal')) return 'critical';
  if (draft.differences.includes('id')) return 'critical';
  return 'warning';
}

function alertFor(itemFingerprint: string, draft: ItemDraft, about: string, runId: bigint, at: Date): AlertInput {
  const amount = draft.stripeAmount ?? draft.localAmount;
  const payload = {
    runId: String(runId),
    about,
    kind: draft.kind,
    class: draft.class,
    stripeId: draft.stripeId,
    localType: draft.localType,
    localId: draft.localId,
    amount: amount === null ? null : String(amount),
    localAmount: draft.localAmount === null ? null : String(draft.localAmount),
    currency: draft.currency,
    differences: draft.differences,
    summary: draft.summary,
    // The catalog's warning, raised to critical for money that moved without us (`severityOf`).
    severity: severityOf(draft),
  };
  const money = amount !== null && draft.currency ? ` (${formatMoney({ amountMinor: amount, currency: draft.currency })})` : '';
  return {
    type: RECONCILIATION_ALERT_TYPE,
    severity: severityOf(draft),
    subject: `Reconciliation: ${draft.class.replaceAll('_', ' ')} ${draft.kind.replaceAll('_', ' ')} ${draft.stripeId ?? draft.localId ?? ''}${money}`.replace(/\s+/g, ' ').trim(),
    details: payload,
    fingerprint: `${RECONCILIATION_ALERT_TYPE}:${itemFingerprint}`,
    topic: 'alert.reconciliation_difference',
    payload,
    at,
  };
}
