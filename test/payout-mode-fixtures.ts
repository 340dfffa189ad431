import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { outboxMessages, payments, payoutPayments, payouts } from '../src/db/schema/index.js';
import { newId } from '../src/domain/ids.js';
import type { PayoutMode, PayoutSchedule } from '../src/domain/payouts/payout-mode.js';
import { balances, creatorAccount, platformAccount, verifyLedger } from '../src/ledger/index.js';
import { recordPayment } from '../src/services/payments/record-payment.js';
import { releaseDuePayments } from '../src/services/payments/release-due-payments.js';
import { verifyPayouts } from '../src/services/payouts/verify-payouts.js';
import type { TestApp } from './app.js';
import { insertCreator } from './fixtures.js';

/**
 * Fixtures for the payout-mode tests (automatic, scheduled), against the in-process sandbox:
 * onboarded creators in a given mode, READY earnings, and the checks every scenario ends with.
 */
export function payoutModeFixtures(getApp: () => TestApp) {
  const t = () => getApp();
  const platformSide = () => new Stripe('sk_test_payout_modes_platform', t().testSandbox!.clientOptions);
  let counter = 0;

  return {
    /** Money in the platform's sandbox balance, available at once, so transfers can be funded. */
    async fundPlatform(amount = 50_000_000, currency = 'eur') {
      await platformSide().paymentIntents.create({ amount, currency, payment_method: 'pm_card_bypassPending', confirm: true });
    },

    /** A creator with an onboarded Express account (manual bank payouts where the service drives them). */
    async connectedCreator(options: { payoutMode?: PayoutMode | null; payoutSchedule?: PayoutSchedule | null; connected?: boolean } = {}) {
      const creatorId = newId('cr');
      let stripeAccountId: string | null = null;
      if (options.connected !== false) {
        const account = await t().stripe.createExpressAccount({ creatorId, email: `${creatorId}@example.test`, manualPayouts: options.payoutMode === 'automatic' });
        await t().testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
        stripeAccountId = account.id;
      }
      const connected = stripeAccountId !== null;
      const { userId } = await insertCreator(t().database.db, {
        id: creatorId,
        name: `Mode creator ${++counter}`,
        stripeAccountId,
        payoutsEnabled: connected,
        chargesEnabled: connected,
        detailsSubmitted: connected,
        payoutMode: options.payoutMode ?? null,
        payoutSchedule: options.payoutSchedule ?? null,
      });
      return { creatorId, userId, stripeAccountId };
    },

    /** READY payments of these customer amounts (creator share 90 %), paid a second apart 30 days ago. */
    async readyPayments(creatorId: string, amounts: bigint[], currency = 'eur'): Promise<string[]> {
      const { database, config, clock } = t();
      const ids: string[] = [];
      for (const [i, amount] of amounts.entries()) {
        const paidAt = new Date(clock.now().getTime() - 30 * 86_400_000 + i * 1000);
        const { payment } = await database.db.transaction((tx) =>
          recordPayment(tx, { creatorId, externalId: `pi_mode_${creatorId}_${i}_${++counter}`, amount, currency, paidAt, actor: 'stripe' }, { config, clock }),
        );
        ids.push(payment.id);
      }
      await releaseDuePayments(database.db, { actor: 'system:test' }, { clock });
      return ids;
    },

    async payoutsOf(creatorId: string) {
      return t().database.db.select().from(payouts).where(eq(payouts.creatorId, creatorId)).orderBy(payouts.requestedAt, payouts.id);
    },

    async allocationsOf(paymentId: string) {
      return t().database.db.select().from(payoutPayments).where(eq(payoutPayments.paymentId, paymentId));
    },

    async payment(id: string) {
      const [row] = await t().database.db.select().from(payments).where(eq(payments.id, id));
      return row!;
    },

    async creatorBalances(creatorId: string, currency = 'eur') {
      const kinds = ['available', 'reserved', 'paid'] as const;
      const all = await balances(t().database.db, kinds.map((k) => creatorAccount(creatorId, k, currency)));
      return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, currency).code) ?? 0n])) as Record<(typeof kinds)[number], bigint>;
    },

    /** The sandbox's transfers for one payout (by its transfer group). */
    async transfersFor(payoutId: string) {
      return (await platformSide().transfers.list({ transfer_group: `payout_${payoutId}`, limit: 100 })).data;
    },

    async bankPayoutsFor(accountId: string, payoutId: string) {
      const list = await platformSide().payouts.list({ limit: 100 }, { stripeAccount: accountId });
      return list.data.filter((p) => p.metadata?.payoutId === payoutId);
    },

    async outbox(topic: string) {
      return t().database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, topic));
    },

    /** What every scenario ends with: `payouts verify` (ledger + payouts) is clean and the sandbox sent exactly what the ledger says. */
    async expectBooksBalance(currency = 'eur') {
      const ledger = await verifyLedger(t().database.db);
      expect(ledger.checks.filter((c) => !c.ok)).toEqual([]);
      const payoutChecks = await verifyPayouts(t().database.db);
      expect(payoutChecks.checks.filter((c) => !c.ok)).toEqual([]);
      let sent = 0n;
      for await (const transfer of platformSide().transfers.list({ limit: 100 })) {
        if (transfer.currency === currency) sent += BigInt(transfer.amount - transfer.amount_reversed);
      }
      const transfers = platformAccount('transfers', currency);
      expect(sent).toBe((await balances(t().database.db, [transfers])).get(transfers.code) ?? 0n);
    },
  };
}
