import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashPointNames, type CrashPointName } from '../src/providers/crash-points/index.js';
import { runPayouts } from './cli.js';
import { createTestDatabase, testDatabaseKind } from './database.js';
import { MoneyPath, type Creator, type DatabaseLocation, type Payment, type Reply } from './kill-points/money-path.js';
import { ServiceProcess } from './kill-points/service-process.js';
import { startSandboxProcess, type SandboxProcess } from './multi-instance/sandbox-process.js';
import { MultiInstanceWorkload } from './multi-instance/workload.js';
import { waitFor } from './wait-for.js';

/**
 * Issue 15 §2, in a real process: `payouts serve` is killed with SIGKILL (PAYOUTS_CRASH_AT) at
 * each step of the payout saga, of webhook handling, of a refund and of a clawback — then started
 * again on the same database, unarmed, the repair sweeps and Stripe's redeliveries run, and:
 * the payout is PAID (the refund, the clawback booked) exactly once, Stripe holds exactly one
 * transfer (refund, reversal) for it, the webhook event is stored once with its effects, and
 * `payouts verify` passes. One sandbox process for the whole file (Stripe does not restart); each
 * case has a creator of its own on the one database, so the cases do not see each other's money.
 *
 * The clock: each case runs `payouts serve` with ENABLE_TEST_CLOCK. A restart starts at wall time,
 * behind where the test had moved the last one, so the test moves it on again by everything it
 * moved before (`MoneyPath.restoreClock`): the service's time never goes back. To let a crashed
 * claim's lease (120 s) expire at once, both the service's and the sandbox's clocks are moved on.
 */

const database = testDatabaseKind;

/** Each point is reached by exactly one case below; this list makes sure none is forgotten. */
const covered = new Set<CrashPointName>();

describe(`payouts serve killed at each crash point, restarted on ${database}`, () => {
  let sandbox: SandboxProcess | undefined;
  let service: ServiceProcess | undefined;
  let path: MoneyPath;
  let databaseLocation: DatabaseLocation;
  let cleanUp: () => Promise<void> = async () => {};
  const timings: string[] = [];

  beforeAll(async () => {
    const started = performance.now();
    sandbox = await startSandboxProcess();
    const port = await freePort();
    const serviceUrl = `http://127.0.0.1:${port}`;
    const stripeSecretKey = 'sk_test_kill_points';
    const cronSecret = randomBytes(24).toString('hex');
    const webhookSecrets = await MultiInstanceWorkload.registerWebhookEndpoints({ sandboxUrl: sandbox.url, stripeSecretKey, proxyUrl: serviceUrl });
    let databaseEnv: Record<string, string>;
    if (testDatabaseKind === 'postgres') {
      const scratch = await createTestDatabase({ poolSize: 1 });
      databaseLocation = { url: scratch.url };
      databaseEnv = { DATABASE_URL: scratch.url };
      cleanUp = () => scratch.close();
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'payouts-kill-points-'));
      databaseLocation = { dataDir };
      databaseEnv = { DATA_DIR: dataDir };
      cleanUp = async () => rmSync(dataDir, { recursive: true, force: true });
    }
    service = new ServiceProcess({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ...databaseEnv,
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: serviceUrl,
      DEMO: '0',
      STRIPE_SECRET_KEY: stripeSecretKey,
      STRIPE_API_BASE: sandbox.url,
      STRIPE_WEBHOOK_SECRET: webhookSecrets.platform,
      STRIPE_WEBHOOK_SECRET_PAYOUTS: webhookSecrets.connect,
      // Creator tokens and sessions must outlive a restart.
      SESSION_SECRET: randomBytes(32).toString('hex'),
      CRON_SECRET: cronSecret,
      ENABLE_TEST_CLOCK: '1',
      // Money is available as soon as the release sweep runs; no limit rule gets in the way of a case.
      PAYOUT_HOLDING_HOURS: '0',
      MIN_SECONDS_BETWEEN_PAYOUTS: '0',
      MAX_PAYOUTS_PER_DAY: '50',
      SUSPICIOUS_PAYOUTS_PER_DAY: '50',
    });
    await service.start();
    path = new MoneyPath({ serviceUrl, sandboxUrl: sandbox.url, stripeSecretKey, cronSecret, database: databaseLocation, run: randomBytes(4).toString('hex') });
    const bootstrap = await runPayouts(['api-keys', 'create', '--role', 'admin', '--name', 'kill points'], databaseEnv);
    if (bootstrap.code !== 0) throw new Error(`api-keys create failed: ${bootstrap.stderr}`);
    path.adminKey = (JSON.parse(bootstrap.stdout) as { key: string }).key;
    path.platformKey = (await path.expect<{ key: string }>(201, 'POST', '/api/admin/api-keys', path.adminKey, { role: 'PLATFORM', name: 'host platform' })).key;
    timings.push(`set-up ${seconds(started)}`);
  }, 120_000);

  afterAll(async () => {
    if (timings.length > 0) console.info(`kill points on ${database}: ${timings.join(', ')}; service started ${service?.starts ?? 0} times`);
    service?.kill();
    await sandbox?.close();
    await cleanUp();
  });

  /**
   * Stop the unarmed service, start one armed at `point`, run `trigger` (whose request the kill
   * cuts), see the process die by SIGKILL at that point, and start it again unarmed on the same
   * database, its clock where the last one's was.
   */
  async function killAt<T>(point: CrashPointName, trigger: () => Promise<T>): Promise<T> {
    covered.add(point);
    await path.webhooksSettled();
    if (service!.isRunning) await service!.stop();
    await service!.start({ PAYOUTS_CRASH_AT: point });
    await path.restoreClock();
    const result = await trigger();
    const death = await service!.died(60_000);
    expect(death.signal, death.output).toBe('SIGKILL');
    expect(death.output).toContain(`stderr: payouts: crash point ${point} reached`);
    await service!.start();
    await path.restoreClock();
    return result;
  }

  /** Run the repair sweeps (and let Stripe's redeliveries arrive) until `done`. */
  async function repairUntil(what: string, done: () => Promise<boolean>, options: { expireLeases?: boolean } = {}): Promise<void> {
    if (options.expireLeases) await path.expireLeases();
    await waitFor(
      what,
      async () => {
        for (const job of ['retry-payouts', 'retry-webhooks', 'reconcile-payouts']) await path.sweep(job);
        await path.webhooksSettled();
        return done();
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  async function expectVerifyClean(): Promise<void> {
    const env: Record<string, string> = 'url' in databaseLocation ? { DATABASE_URL: databaseLocation.url } : { DATA_DIR: databaseLocation.dataDir };
    const verify = await runPayouts(['verify'], env);
    expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(0);
  }

  /** PAID, with exactly one transfer at Stripe (and one bank payout where the service makes it), recorded once in the ledger. */
  async function expectPaidOnce(creator: Creator, payoutId: string, options: { bankPayout: boolean }): Promise<void> {
    const payout = await path.payout(payoutId);
    expect(payout.status).toBe('PAID');
    const transfers = await path.transfersOf(payoutId);
    expect(transfers.map((t) => [t.id, t.amount])).toEqual([[payout.stripe_transfer_id, Number(payout.amount)]]);
    if (options.bankPayout) {
      const bankPayouts = await path.bankPayoutsOf(creator, payoutId);
      expect(bankPayouts.map((b) => b.id)).toEqual([payout.stripe_bank_payout_id]);
    }
    const entries = await path.sql<{ kind: string; n: number }>(`select kind, count(*)::int as n from ledger_entries where metadata->>'payoutId' = $1 group by kind order by kind`, [payoutId]);
    expect(entries).toEqual([
      { kind: 'payout.reserved', n: 1 },
      { kind: 'payout.transferred', n: 1 },
    ]);
  }

  /** An admin's payout: a manual creator earns, asks for all of it; PENDING. */
  async function pendingPayout(): Promise<{ creator: Creator; payment: Payment; payoutId: string }> {
    const creator = await path.newCreator('manual');
    const payment = await path.earn(creator, 10_000);
    return { creator, payment, payoutId: await path.requestPayout(creator, payment.creatorAmount) };
  }

  /**
   * An automatic creator's payment, released in the armed process; the automatic sweep makes its
   * payout and runs the saga (the service drives the bank payout).
   */
  async function automaticPayoutKilledAt(point: CrashPointName): Promise<{ creator: Creator; payoutId: string }> {
    const creator = await path.newCreator('automatic');
    const payment = await path.recordedPayment(await path.chargeCustomer(creator, 8_000));
    const reply = await killAt(point, async () => {
      await path.release(payment);
      return path.call('POST', '/api/cron/automatic-payouts', path.adminKey);
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(0);
    const payoutId = await path.automaticPayoutOf(payment);
    if (!payoutId) throw new Error(`no automatic payout was made for ${payment.id} before the kill at ${point}`);
    return { creator, payoutId };
  }

  it('payout.claimed: PROCESSING committed, Stripe not called — the retry sweep makes the one transfer', async () => {
    const started = performance.now();
    const { creator, payoutId } = await pendingPayout();
    const reply = await killAt('payout.claimed', () => path.call('POST', '/api/admin/payouts', path.adminKey, { payoutId }));
    expect(reply.status).toBe(0);
    expect((await path.payout(payoutId)).status).toBe('PROCESSING');
    expect(await path.transfersOf(payoutId)).toHaveLength(0);
    await repairUntil(`payout ${payoutId} PAID`, async () => (await path.payout(payoutId)).status === 'PAID', { expireLeases: true });
    await expectPaidOnce(creator, payoutId, { bankPayout: false });
    await expectVerifyClean();
    timings.push(`payout.claimed ${seconds(started)}`);
  }, 180_000);

  it('payout.transfer-made: Stripe made the transfer, nothing recorded — it is found and recorded, not made again', async () => {
    const started = performance.now();
    const { creator, payoutId } = await pendingPayout();
    const reply = await killAt('payout.transfer-made', () => path.call('POST', '/api/admin/payouts', path.adminKey, { payoutId }));
    expect(reply.status).toBe(0);
    expect(await path.transfersOf(payoutId)).toHaveLength(1);
    await repairUntil(`payout ${payoutId} PAID`, async () => (await path.payout(payoutId)).status === 'PAID', { expireLeases: true });
    await expectPaidOnce(creator, payoutId, { bankPayout: false });
    await expectVerifyClean();
    timings.push(`payout.transfer-made ${seconds(started)}`);
  }, 180_000);

  it('payout.transfer-recorded: an automatic payout transferred, its bank payout not asked for — the sweep makes the one bank payout', async () => {
    const started = performance.now();
    const { creator, payoutId } = await automaticPayoutKilledAt('payout.transfer-recorded');
    const between = await path.payout(payoutId);
    expect(between).toMatchObject({ status: 'PROCESSING', stripe_bank_payout_id: null });
    expect(between.stripe_transfer_id).not.toBeNull();
    expect(await path.bankPayoutsOf(creator, payoutId)).toHaveLength(0);
    await repairUntil(`payout ${payoutId} PAID`, async () => (await path.payout(payoutId)).status === 'PAID', { expireLeases: true });
    await expectPaidOnce(creator, payoutId, { bankPayout: true });
    await expectVerifyClean();
    timings.push(`payout.transfer-recorded ${seconds(started)}`);
  }, 180_000);

  it('payout.bank-payout-made: Stripe made the bank payout, its id not recorded — it is found, not made again', async () => {
    const started = performance.now();
    const { creator, payoutId } = await automaticPayoutKilledAt('payout.bank-payout-made');
    // Made once; by now Stripe's payout.created, sent again to the restarted process, may have recorded it already.
    const made = await path.bankPayoutsOf(creator, payoutId);
    expect(made).toHaveLength(1);
    expect([null, made[0]!.id]).toContain((await path.payout(payoutId)).stripe_bank_payout_id);
    await repairUntil(`payout ${payoutId} PAID`, async () => (await path.payout(payoutId)).status === 'PAID', { expireLeases: true });
    await expectPaidOnce(creator, payoutId, { bankPayout: true });
    await expectVerifyClean();
    timings.push(`payout.bank-payout-made ${seconds(started)}`);
  }, 180_000);

  it('webhook.handled: charge.refunded handled, not committed — Stripe sends it again and the refund is booked once', async () => {
    const started = performance.now();
    const creator = await path.newCreator('manual');
    const payment = await path.earn(creator, 6_000);
    // A refund made in Stripe's Dashboard: only the webhook tells the service.
    const refund = await killAt('webhook.handled', () => path.stripe.refunds.create({ payment_intent: payment.intentId, amount: 2_500 }));
    await repairUntil(`refund ${refund.id} booked`, async () => (await path.sql('select 1 from payment_refunds where id = $1', [refund.id])).length === 1);
    await expectRefundBookedOnce(payment, refund.id, 2_500);
    // Stored once, by the redelivery, and not as a duplicate: the killed transaction left nothing (its row rolled back with its effects).
    const events = await path.sql<{ status: string; duplicates: number }>(
      `select status, duplicates from webhook_events where type = 'charge.refunded' and payload->'data'->'object'->>'payment_intent' = $1`,
      [payment.intentId],
    );
    expect(events).toEqual([{ status: 'completed', duplicates: 0 }]);
    const deliveries = await path.deliveriesOf(refund.id);
    expect(deliveries.at(0)?.succeeded).toBe(false);
    expect(deliveries.at(-1)?.succeeded).toBe(true);
    await expectVerifyClean();
    timings.push(`webhook.handled ${seconds(started)}`);
  }, 180_000);

  it('webhook.committed: payment_intent.succeeded committed, Stripe not answered — the redelivery is a duplicate, the payment recorded once', async () => {
    const started = performance.now();
    const creator = await path.newCreator('manual');
    const intentId = await killAt('webhook.committed', () => path.chargeCustomer(creator, 4_000));
    await repairUntil(`the redelivery of ${intentId}'s event`, async () => {
      const [event] = await path.sql<{ duplicates: number }>(`select duplicates from webhook_events where type = 'payment_intent.succeeded' and payload->'data'->'object'->>'id' = $1`, [intentId]);
      return (event?.duplicates ?? 0) >= 1;
    });
    const events = await path.sql<{ status: string }>(`select status from webhook_events where type = 'payment_intent.succeeded' and payload->'data'->'object'->>'id' = $1`, [intentId]);
    expect(events).toEqual([{ status: 'completed' }]);
    const payments = await path.sql<{ id: string; amount: string }>('select id, amount::text from payments where stripe_payment_intent_id = $1', [intentId]);
    expect(payments.map((p) => p.amount)).toEqual(['4000']);
    const entries = await path.sql<{ n: number }>(`select count(*)::int as n from ledger_entries where metadata->>'paymentId' = $1`, [payments[0]!.id]);
    expect(entries[0]!.n).toBeGreaterThan(0);
    await expectVerifyClean();
    timings.push(`webhook.committed ${seconds(started)}`);
  }, 180_000);

  /** The refund at Stripe is the one booked, once: one `payment_refunds` row, one ledger entry, the payment's refunded amount. */
  async function expectRefundBookedOnce(payment: Payment, refundId: string, amount: number): Promise<void> {
    const refunds = await path.refundsOf(payment);
    expect(refunds.map((r) => [r.id, r.amount])).toEqual([[refundId, amount]]);
    expect(await path.sql('select id, amount::int from payment_refunds where payment_id = $1', [payment.id])).toEqual([{ id: refundId, amount }]);
    expect(await path.sql(`select count(*)::int as n from ledger_entries where idempotency_key = $1`, [`refund:${refundId}`])).toEqual([{ n: 1 }]);
    expect(await path.sql('select refunded_amount::int as refunded from payments where id = $1', [payment.id])).toEqual([{ refunded: amount }]);
  }

  it('refund.requested: an admin refund killed before Stripe — nothing happened; the admin repeats it and it is made once', async () => {
    const started = performance.now();
    const creator = await path.newCreator('manual');
    const payment = await path.earn(creator, 5_000);
    const request = { amount: 1_500, reason: 'Customer cancelled', requestId: `kill-refund-requested-${path.env.run}` };
    const reply = await killAt('refund.requested', () => path.call('POST', `/api/admin/payments/${payment.id}/refund`, path.adminKey, request));
    expect(reply.status).toBe(0);
    expect(await path.refundsOf(payment)).toEqual([]);
    const repeated = await path.expect<{ refund: { id: string; appliedBy: string } }>(200, 'POST', `/api/admin/payments/${payment.id}/refund`, path.adminKey, request);
    await path.webhooksSettled();
    await expectRefundBookedOnce(payment, repeated.refund.id, 1_500);
    await expectVerifyClean();
    timings.push(`refund.requested ${seconds(started)}`);
  }, 180_000);

  it('refund.made: Stripe refunded, nothing booked — charge.refunded books it; the admin repeating the request changes nothing', async () => {
    const started = performance.now();
    const creator = await path.newCreator('manual');
    const payment = await path.earn(creator, 5_000);
    const request = { amount: 2_000, reason: 'Customer cancelled', requestId: `kill-refund-made-${path.env.run}` };
    const reply = await killAt('refund.made', () => path.call('POST', `/api/admin/payments/${payment.id}/refund`, path.adminKey, request));
    expect(reply.status).toBe(0);
    const [refund] = await path.refundsOf(payment);
    expect(refund?.amount).toBe(2_000);
    // Nobody repeats anything yet: Stripe's webhook alone books the refund.
    await repairUntil(`refund ${refund!.id} booked`, async () => (await path.sql('select 1 from payment_refunds where id = $1', [refund!.id])).length === 1);
    await expectRefundBookedOnce(payment, refund!.id, 2_000);
    const repeated = await path.expect<{ refund: { id: string; appliedBy: string } }>(200, 'POST', `/api/admin/payments/${payment.id}/refund`, path.adminKey, request);
    expect(repeated.refund).toMatchObject({ id: refund!.id, appliedBy: 'webhook' });
    await expectRefundBookedOnce(payment, refund!.id, 2_000);
    await expectVerifyClean();
    timings.push(`refund.made ${seconds(started)}`);
  }, 180_000);

  /** A creator paid out in full, then a refund of the payment: the creator owes its share (`receivable`). */
  async function creatorInDebt(): Promise<{ creator: Creator; payment: Payment; payoutId: string; debt: number }> {
    const { creator, payment, payoutId } = await pendingPayout();
    await path.expect(200, 'POST', '/api/admin/payouts', path.adminKey, { payoutId });
    await waitFor(`payout ${payoutId} PAID`, async () => (await path.payout(payoutId)).status === 'PAID', { timeoutMs: 30_000, intervalMs: 200 });
    const refunded = await path.expect<{ refund: { toReceivable: number } }>(200, 'POST', `/api/admin/payments/${payment.id}/refund`, path.adminKey, { reason: 'Chargeback avoided by refunding' });
    expect(refunded.refund.toReceivable).toBeGreaterThan(0);
    await path.webhooksSettled();
    return { creator, payment, payoutId, debt: refunded.refund.toReceivable };
  }

  /** One reversal at Stripe for the payout's transfer, booked once as a clawback; the debt paid off. */
  async function expectClawbackOnce(creator: Creator, payoutId: string, debt: number): Promise<string> {
    const payout = await path.payout(payoutId);
    const reversals = (await path.stripe.transfers.listReversals(payout.stripe_transfer_id!, { limit: 100 })).data;
    expect(reversals.map((r) => r.amount)).toEqual([debt]);
    const rows = await path.sql<{ reversal: string; amount: number }>('select stripe_reversal_id as reversal, amount::int from creator_clawbacks where creator_id = $1', [creator.id]);
    expect(rows).toEqual([{ reversal: reversals[0]!.id, amount: debt }]);
    expect(await path.sql(`select count(*)::int as n from ledger_entries where idempotency_key = $1`, [`clawback:${reversals[0]!.id}`])).toEqual([{ n: 1 }]);
    const [receivable] = await path.sql<{ balance: string }>(
      `select coalesce(sum(balance), 0)::text as balance from ledger_balances where account_code like $1`,
      [`creator:${creator.id}:receivable:%`],
    );
    expect(receivable?.balance).toBe('0');
    expect((await path.payout(payoutId)).status).toBe('PAID');
    return reversals[0]!.id;
  }

  it('clawback.requested: an admin clawback killed before Stripe — nothing reversed; the admin repeats it and it is made once', async () => {
    const started = performance.now();
    const { creator, payoutId, debt } = await creatorInDebt();
    const reply = await killAt('clawback.requested', () => path.call('POST', `/api/admin/creators/${creator.id}/clawback`, path.adminKey, { reason: 'Refunded after payout' }));
    expect(reply.status).toBe(0);
    const payout = await path.payout(payoutId);
    expect((await path.stripe.transfers.listReversals(payout.stripe_transfer_id!)).data).toEqual([]);
    const repeated = await path.expect<{ duplicate: boolean; debt: number }>(200, 'POST', `/api/admin/creators/${creator.id}/clawback`, path.adminKey, { reason: 'Refunded after payout' });
    expect(repeated).toMatchObject({ duplicate: false, debt: 0 });
    await path.webhooksSettled();
    await expectClawbackOnce(creator, payoutId, debt);
    await expectVerifyClean();
    timings.push(`clawback.requested ${seconds(started)}`);
  }, 180_000);

  it('clawback.reversal-made: Stripe reversed the transfer, nothing booked — transfer.reversed books it; a repeat reverses nothing more', async () => {
    const started = performance.now();
    const { creator, payoutId, debt } = await creatorInDebt();
    const reply = await killAt('clawback.reversal-made', () => path.call('POST', `/api/admin/creators/${creator.id}/clawback`, path.adminKey, { reason: 'Refunded after payout' }));
    expect(reply.status).toBe(0);
    // Nobody repeats anything yet: Stripe's transfer.reversed alone books the clawback.
    await repairUntil(`the clawback of ${creator.id} booked`, async () => (await path.sql('select 1 from creator_clawbacks where creator_id = $1', [creator.id])).length === 1);
    await expectClawbackOnce(creator, payoutId, debt);
    // The admin, who never got an answer, asks again: the debt is paid off, so nothing is reversed.
    const repeated = await path.call('POST', `/api/admin/creators/${creator.id}/clawback`, path.adminKey, { reason: 'Refunded after payout' });
    expect(repeated.body.error?.code, JSON.stringify(repeated.body)).toBe('CLAWBACK_NO_DEBT');
    await expectClawbackOnce(creator, payoutId, debt);
    await expectVerifyClean();
    timings.push(`clawback.reversal-made ${seconds(started)}`);
  }, 180_000);

  it('every crash point was killed at by a case, and the books reconcile with Stripe', async () => {
    expect([...covered].sort()).toEqual([...crashPointNames].sort());
    const run = await path.sweep('reconcile');
    expect(run.counts, JSON.stringify(run)).toMatchObject({ mismatched: 0, missing_here: 0, missing_at_stripe: 0 });
    const stuck = await path.sql(`select id, status from webhook_events where status in ('failed', 'processing')`);
    expect(stuck).toEqual([]);
  }, 120_000);
});

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type { Reply };
