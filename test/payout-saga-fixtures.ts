import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { outboxMessages, payments, payouts } from '../src/db/schema/index.js';
import { newId } from '../src/domain/ids.js';
import { balances, creatorAccount, platformAccount, verifyLedger } from '../src/ledger/index.js';
import { recordPayment } from '../src/services/payments/record-payment.js';
import { releaseDuePayments } from '../src/services/payments/release-due-payments.js';
import { createPayout, type Payout } from '../src/services/payouts/create-payout.js';
import { verifyPayouts } from '../src/services/payouts/verify-payouts.js';
import type { TestApp } from './app.js';
import { insertCreator } from './fixtures.js';

/**
 * Fixtures for the payout saga's tests, against the in-process sandbox (`createTestApp({ sandbox: true })`):
 * creators with an onboarded Express account, READY earnings, PENDING payouts, and the checks
 * every scenario ends with (one transfer per payout, sandbox totals = ledger, `verifyLedger` and `verifyPayouts`).
 */
export function payoutSagaFixtures(getApp: () => TestApp) {
  const t = () => getApp();
  const customer = () => new Stripe('sk_test_payout_saga_customer', t().testSandbox!.clientOptions);
  let counter = 0;

  return {
    /** The official SDK on the sandbox, as someone outside the service (a customer, a person in the Stripe dashboard). */
    stripeClient: customer,

    /** Money in the platform's sandbox balance, available at once, so transfers can be funded. */
    async fundPlatform(amount = 50_000_000, currency = 'eur') {
      await customer().paymentIntents.create({ amount, currency, payment_method: 'pm_card_bypassPending', confirm: true });
    },

    /** A creator with an onboarded Express account (payouts enabled), in the given payout mode. */
    async connectedCreator(options: { payoutMode?: 'manual' | 'automatic' | 'scheduled'; connected?: boolean } = {}) {
      const creatorId = newId('cr');
      let stripeAccountId: string | null = null;
      if (options.connected !== false) {
        const account = await t().stripe.createExpressAccount({ creatorId, email: `${creatorId}@example.test`, manualPayouts: options.payoutMode === 'automatic' });
        await t().testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
        stripeAccountId = account.id;
      }
      const { userId } = await insertCreator(t().database.db, {
        id: creatorId,
        name: `Creator ${++counter}`,
        stripeAccountId,
        payoutsEnabled: stripeAccountId !== null,
        chargesEnabled: stripeAccountId !== null,
        detailsSubmitted: stripeAccountId !== null,
        payoutMode: options.payoutMode ?? null,
      });
      return { creatorId, userId, stripeAccountId };
    },

    /** READY earnings (customer amounts; the creator gets 90 %) and a payout of `amount` over them. */
    async pendingPayout(creatorId: string, input: { payments?: bigint[]; amount?: bigint; status?: 'PENDING' | 'PENDING_APPROVAL'; approvalReason?: string } = {}): Promise<Payout> {
      const { database, config, clock } = t();
      const context = { config, clock };
      const amounts = input.payments ?? [10_000n];
      for (const [i, amount] of amounts.entries()) {
        const paidAt = new Date(clock.now().getTime() - 30 * 86_400_000 + i * 1000);
        await database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_${creatorId}_${i}_${Math.random().toString(36).slice(2, 10)}`, amount, currency: 'eur', paidAt, actor: 'stripe' }, context));
      }
      await releaseDuePayments(database.db, { actor: 'system:test' }, context);
      const share = amounts.reduce((sum, a) => sum + (a * 9n) / 10n, 0n);
      const { payout } = await database.db.transaction((tx) =>
        createPayout(
          tx,
          {
            creatorId,
            amount: input.amount ?? share,
            currency: 'eur',
            origin: 'request',
            status: input.status ?? 'PENDING',
            actor: 'user:test',
            ...(input.approvalReason ? { approvalReason: input.approvalReason, flags: ['REQUIRES_ADMIN_APPROVAL'] } : {}),
          },
          context,
        ),
      );
      return payout;
    },

    async payout(id: string): Promise<Payout> {
      const [row] = await t().database.db.select().from(payouts).where(eq(payouts.id, id));
      return row!;
    },

    async creatorBalances(creatorId: string) {
      const kinds = ['available', 'reserved', 'paid'] as const;
      const all = await balances(t().database.db, kinds.map((k) => creatorAccount(creatorId, k, 'eur')));
      return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, 'eur').code) ?? 0n])) as Record<(typeof kinds)[number], bigint>;
    },

    async paymentStatuses(creatorId: string) {
      const rows = await t().database.db.select({ status: payments.status }).from(payments).where(eq(payments.creatorId, creatorId));
      return rows.map((r) => r.status);
    },

    /** The sandbox's transfers for one payout (by its transfer group). */
    async transfersFor(payoutId: string) {
      const list = await customer().transfers.list({ transfer_group: `payout_${payoutId}`, limit: 100 });
      return list.data;
    },

    async bankPayoutsFor(accountId: string, payoutId: string) {
      const list = await customer().payouts.list({ limit: 100 }, { stripeAccount: accountId });
      return list.data.filter((p) => p.metadata?.payoutId === payoutId);
    },

    async outbox(topic: string, payoutId: string) {
      const rows = await t().database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, topic));
      return rows.filter((r) => (r.payload as { payoutId?: string }).payoutId === payoutId);
    },

    /** What every scenario ends with: the ledger's invariants hold and the sandbox sent exactly what the ledger says. */
    async expectBooksBalance() {
      const verification = await verifyLedger(t().database.db);
      expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
      // `payouts verify`'s payout invariants too: each payout's ledger steps and allocations, no share paid twice.
      expect((await verifyPayouts(t().database.db)).checks.filter((c) => !c.ok)).toEqual([]);
      let sent = 0n;
      for await (const transfer of customer().transfers.list({ limit: 100 })) {
        if (transfer.currency === 'eur') sent += BigInt(transfer.amount - transfer.amount_reversed);
      }
      const ledger = (await balances(t().database.db, [platformAccount('transfers', 'eur')])).get(platformAccount('transfers', 'eur').code) ?? 0n;
      expect(sent).toBe(ledger);
    },
  };
}
