import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { waitFor } from '../../../test/wait-for.js';
import { payoutModeFixtures } from '../../../test/payout-mode-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { alerts, payments } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { setDisputeRequested } from '../payments/set-dispute-requested.js';
import { createPayout } from './create-payout.js';
import { processPayout } from './process-payout.js';
import { retryPayouts } from './retry-payouts.js';
import { failPayout, lockPayout } from './payout-lifecycle.js';
import { alertAutomaticTransfersFailed, runAutomaticPayouts } from './run-automatic-payouts.js';

let t: TestApp;
let who: TestPrincipals;
const f = payoutModeFixtures(() => t);
const context = (): ServiceContext => ({ config: t.config, clock: t.clock, stripe: t.stripe });

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { PAYOUT_MODE: 'manual' } });
  who = await createPrincipals(t);
  await f.fundPlatform();
});
afterAll(async () => {
  expect(t.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

const cron = (job: string) => t.app.inject({ method: 'POST', url: `/api/cron/${job}`, headers: who.headers.cron });

/** What the last failure of an exhausted automatic payout writes: by a sweep that summarises (`summarised`), or by a webhook. */
const giveUp = (payoutId: string, summarised: boolean) =>
  t.database.db.transaction(async (tx) =>
    failPayout(
      tx,
      { ...(await lockPayout(tx, payoutId)), failedAttempts: 4 },
      { actor: 'system:retry-payouts', code: 'balance_insufficient', message: 'Insufficient funds', moneyBack: 'release', exhausted: true, exhaustionSummarised: summarised },
      t.clock.now(),
    ),
  );

/** The automatic-transfer summaries that list this payout. */
const mentioning = async (payoutId: string) => (await f.outbox('alert.automatic_transfers_failed')).filter((m) => JSON.stringify(m.payload).includes(payoutId));

describe(`automatic payouts (seed 004) on ${testDatabaseKind}`, () => {
  it('does nothing while no creator is in automatic mode', async () => {
    const manual = await f.connectedCreator({ payoutMode: null });
    await f.readyPayments(manual.creatorId, [7000n]);
    const reply = await cron('automatic-payouts');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ success: true, job: 'automatic-payouts', message: 'No creator is in automatic mode', updatedCount: 0, enabled: false, created: 0 });
    expect(reply.json().duration).toMatch(/^\d+ms$/);
    expect(await f.payoutsOf(manual.creatorId)).toEqual([]);
  });

  it('transfers each READY payment of an automatic creator on its own, then waits for the bank payout', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const manual = await f.connectedCreator({ payoutMode: 'manual' });
    const [first, second, onHold] = await f.readyPayments(auto.creatorId, [7000n, 10050n, 5000n]);
    await t.database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: onHold!, disputeRequested: true, actor: 'user:admin' }, t));
    await f.readyPayments(manual.creatorId, [8000n]);

    const reply = await cron('automatic-payouts');
    expect(reply.statusCode).toBe(200);
    const report = reply.json();
    expect(report).toMatchObject({ success: true, enabled: true, created: 2, updatedCount: 2, attempted: 2, processing: 2, failed: 0, errors: [] });

    const made = await f.payoutsOf(auto.creatorId);
    expect(made.map((p) => [p.origin, p.amount, p.status, p.requestedBy, p.awaitsBankPayout])).toEqual([
      ['automatic', 6300n, 'PROCESSING', 'system:automatic-payouts', true],
      ['automatic', 9045n, 'PROCESSING', 'system:automatic-payouts', true],
    ]);
    for (const [payout, paymentId] of [[made[0]!, first!], [made[1]!, second!]] as const) {
      expect((await f.allocationsOf(paymentId)).map((a) => [a.payoutId, a.amount, a.releasedAt])).toEqual([[payout.id, payout.amount, null]]);
      const transfers = await f.transfersFor(payout.id);
      expect(transfers.map((tr) => [tr.amount, tr.destination])).toEqual([[Number(payout.amount), auto.stripeAccountId]]);
      expect(payout.stripeTransferId).toBe(transfers[0]!.id);
      // Seed 004: the connected account pays out manually, so the service made the bank payout; payout.paid finishes it.
      expect((await f.bankPayoutsFor(auto.stripeAccountId!, payout.id)).map((b) => b.amount)).toEqual([Number(payout.amount)]);
      expect(payout.stripeBankPayoutId).not.toBeNull();
      expect((await f.payment(paymentId)).status).toBe('PROCESSING');
    }
    expect((await f.payment(onHold!)).status).toBe('READY');
    expect(await f.allocationsOf(onHold!)).toEqual([]);
    expect(await f.payoutsOf(manual.creatorId)).toEqual([]);
    expect(await f.creatorBalances(auto.creatorId)).toEqual({ available: 4500n, reserved: 0n, paid: 6300n + 9045n });

    // Every transition is in the audit trail, newest first.
    const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=payout&subjectId=${made[0]!.id}`, headers: who.headers.admin });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().data.map((e: Record<string, unknown>) => [e.action, e.fromStatus, e.toStatus, e.amount, e.actor])).toEqual([
      ['payout.bank_payout_created', 'PROCESSING', 'PROCESSING', 6300, 'system:automatic-payouts'],
      ['payout.transferred', 'PROCESSING', 'PROCESSING', 6300, 'system:automatic-payouts'],
      ['payout.processing', 'PENDING', 'PROCESSING', 6300, 'system:automatic-payouts'],
      ['payout.created', null, 'PENDING', 6300, 'system:automatic-payouts'],
    ]);

    // A second run finds nothing left to transfer; the payment on hold goes once the admin clears it.
    expect((await cron('automatic-payouts')).json()).toMatchObject({ created: 0, attempted: 0, message: 'No payments to transfer' });
    await t.database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: onHold!, disputeRequested: false, actor: 'user:admin' }, t));
    expect((await cron('automatic-payouts')).json()).toMatchObject({ created: 1, processing: 1 });
    expect(await f.creatorBalances(auto.creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 6300n + 9045n + 4500n });
    await f.expectBooksBalance();
  });

  it('follows the platform mode unless the creator overrides it', async () => {
    const inherits = await f.connectedCreator({ payoutMode: null });
    const optedOut = await f.connectedCreator({ payoutMode: 'manual' });
    await f.readyPayments(inherits.creatorId, [2000n]);
    await f.readyPayments(optedOut.creatorId, [2000n]);
    const automaticPlatform = { ...context(), config: { ...t.config, payoutMode: 'automatic' as const } };
    const result = await runAutomaticPayouts(t.database.db, automaticPlatform);
    expect(result.createdPayoutIds).toHaveLength(1 + 1); // the one of the first test's manual creator too (no override)
    expect((await f.payoutsOf(inherits.creatorId)).map((p) => p.amount)).toEqual([1800n]);
    expect(await f.payoutsOf(optedOut.creatorId)).toEqual([]);
    await f.expectBooksBalance();
  });

  it('two runs at once make one payout per payment and one transfer per payout', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const paymentIds = await f.readyPayments(auto.creatorId, [1000n, 2000n, 3000n, 4000n, 5000n, 6000n]);
    const [a, b] = await Promise.all([runAutomaticPayouts(t.database.db, context()), runAutomaticPayouts(t.database.db, context())]);
    expect(a.created + b.created).toBe(6);
    expect(a.errors.concat(b.errors)).toEqual([]);
    for (const paymentId of paymentIds) expect(await f.allocationsOf(paymentId)).toHaveLength(1);
    const made = await f.payoutsOf(auto.creatorId);
    expect(made).toHaveLength(6);
    for (const payout of made) {
      expect(payout.status).toBe('PROCESSING');
      expect(await f.transfersFor(payout.id)).toHaveLength(1);
    }
    await f.expectBooksBalance();
  });

  // Row locks between sessions: PostgreSQL only (PGlite runs one session).
  it.skipIf(testDatabaseKind !== 'postgres')('records a transfer while another transaction holds the creator row (another instance making their next payout): no deadlock', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const [paymentId] = await f.readyPayments(auto.creatorId, [3000n]);
    const { payout } = await t.database.db.transaction((tx) =>
      createPayout(tx, { creatorId: auto.creatorId, amount: 2700n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:automatic-payouts', paymentIds: [paymentId!] }, t),
    );
    // What `runAutomaticPayouts` holds while it makes the creator's next payout: the creator row, locked first.
    const other = await t.database.pool.connect();
    try {
      await other.query('begin');
      await other.query('select id from creators where id = $1 for update', [auto.creatorId]);
      // Recording the transfer wrote the payout row twice; the second write checked the creator
      // foreign key again (a KEY SHARE lock) after taking the ledger's locks, so it waited here —
      // and deadlocked once the other transaction went on to post to this creator's balances.
      const processed = processPayout(t.database.db, { payoutId: payout.id, actor: 'system:automatic-payouts' }, context()).then((result) => result.outcome);
      const outcome = await Promise.race([processed, new Promise((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5_000))]);
      expect(outcome).toBe('processing');
    } finally {
      await other.query('rollback');
      other.release();
    }
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    await f.expectBooksBalance();
  });

  it('processes a payout an earlier run made but did not get to (a crash), and waits for an account that cannot receive payouts', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const [paymentId] = await f.readyPayments(auto.creatorId, [3000n]);
    // The state a crash right after the payout's commit leaves behind.
    const { payout } = await t.database.db.transaction((tx) =>
      createPayout(tx, { creatorId: auto.creatorId, amount: 2700n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:automatic-payouts', paymentIds: [paymentId!] }, t),
    );
    const notConnected = await f.connectedCreator({ payoutMode: 'automatic', connected: false });
    await f.readyPayments(notConnected.creatorId, [3000n]);

    const result = await runAutomaticPayouts(t.database.db, context());
    expect(result).toMatchObject({ created: 0, attempted: 1, processing: 1, processedPayoutIds: [payout.id] });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    // The creator without a connected account gets no payout (nothing reserved for nobody).
    expect(await f.payoutsOf(notConnected.creatorId)).toEqual([]);
    await f.expectBooksBalance();
  });

  it('retries a failed transfer 3 times with backoff, then fails it, returns the money and alerts the admins', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const [paymentId] = await f.readyPayments(auto.creatorId, [5000n]);
    await t.testSandbox!.control('POST', '/_sandbox/failures', {
      method: 'POST',
      path: '/v1/transfers',
      error: { status: 400, type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds in Stripe account.' },
      times: 4,
    });
    const first = await runAutomaticPayouts(t.database.db, context());
    expect(first).toMatchObject({ created: 1, retryScheduled: 1 });
    const [payout] = await f.payoutsOf(auto.creatorId);
    expect(payout).toMatchObject({ status: 'PROCESSING', failedAttempts: 1, lastErrorCode: 'balance_insufficient' });

    const sweeps = [];
    for (const [minutes, expected] of [[5, 'retryScheduled'], [10, 'retryScheduled'], [20, 'failed']] as const) {
      t.clock.advance(minutes * 60 + 1);
      const swept = await retryPayouts(t.database.db, context(), { actor: 'system:retry-payouts' });
      expect(swept).toMatchObject({ claimed: 1, [expected]: 1 });
      sweeps.push(swept);
    }
    const [failed] = await f.payoutsOf(auto.creatorId);
    expect(failed).toMatchObject({ status: 'FAILED', failedAttempts: 4, lastErrorCode: 'balance_insufficient', stripeTransferId: null });
    expect(await f.transfersFor(failed!.id)).toEqual([]);
    expect(await f.creatorBalances(auto.creatorId)).toEqual({ available: 4500n, reserved: 0n, paid: 0n });
    expect((await f.payment(paymentId!)).status).toBe('READY');

    // The admins: the sweep that gave up reports it in its summary, and there is no alert of its own.
    expect(sweeps.map((s) => s.alertedPayoutIds)).toEqual([[], [], [failed!.id]]);
    const summaries = (await f.outbox('alert.automatic_transfers_failed')).filter((m) => JSON.stringify(m.payload).includes(failed!.id));
    expect(summaries).toHaveLength(1);
    // The summary is an alert (docs/alerts.md): its opening is the message, keyed by the alert.
    const [summaryAlert] = await t.database.db.select().from(alerts).where(eq(alerts.type, 'automatic_transfers_failed'));
    expect(summaryAlert).toMatchObject({ severity: 'critical', status: 'OPEN', fingerprint: expect.stringMatching(/^automatic_transfers_failed:[0-9a-f]{32}$/) });
    expect(summaries[0]).toMatchObject({ recipient: 'admins', dedupeKey: `alert.automatic_transfers_failed:${summaryAlert!.id}` });
    expect(summaries[0]!.payload).toEqual({
      alertId: String(summaryAlert!.id),
      count: 1,
      payouts: [
        {
          payoutId: failed!.id,
          creatorId: auto.creatorId,
          amount: '4500',
          currency: 'eur',
          failedAttempts: 4,
          code: 'balance_insufficient',
          reason: 'Stripe transfers.create failed: Insufficient funds in Stripe account.',
        },
      ],
    });
    expect((await f.outbox('alert.payout_retries_exhausted')).filter((m) => m.payload.payoutId === failed!.id)).toEqual([]);
    // The creator: one message per failure — retrying three times, then failed.
    const toCreator = async (topic: string) => (await f.outbox(topic)).filter((m) => m.payload.payoutId === failed!.id);
    expect((await toCreator('payout.retrying')).map((m) => [m.recipient, m.payload.attempt])).toEqual([
      [`user:${auto.userId}`, 1],
      [`user:${auto.userId}`, 2],
      [`user:${auto.userId}`, 3],
    ]);
    expect((await toCreator('payout.failed')).map((m) => m.recipient)).toEqual([`user:${auto.userId}`]);
    // The next sweeps report nothing again.
    t.clock.advance(60);
    expect((await retryPayouts(t.database.db, context(), { actor: 'system:retry-payouts' })).alertedPayoutIds).toEqual([]);
    expect((await f.outbox('alert.automatic_transfers_failed')).filter((m) => JSON.stringify(m.payload).includes(failed!.id))).toHaveLength(1);

    // Who, when, from, to, amount, reason — for every step.
    const audit = (await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=payout&subjectId=${failed!.id}&limit=50`, headers: who.headers.admin })).json().data;
    expect(audit.map((e: Record<string, unknown>) => [e.action, e.fromStatus, e.toStatus, e.amount])).toEqual([
      ['payout.failed', 'PROCESSING', 'FAILED', 4500],
      ['payout.retry_scheduled', 'PROCESSING', 'PROCESSING', 4500],
      ['payout.retry_scheduled', 'PROCESSING', 'PROCESSING', 4500],
      ['payout.retry_scheduled', 'PROCESSING', 'PROCESSING', 4500],
      ['payout.processing', 'PENDING', 'PROCESSING', 4500],
      ['payout.created', null, 'PENDING', 4500],
    ]);
    expect(audit[0]).toMatchObject({ actor: 'system:retry-payouts', reason: expect.stringMatching(/^balance_insufficient: /), currency: 'eur', metadata: { exhausted: true } });
    expect(audit.every((e: { createdAt: string }) => !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);

    // Seed 004: "transfer fails 3x → admin alert, manual intervention": not transferred automatically again.
    const again = await runAutomaticPayouts(t.database.db, context());
    expect(again).toMatchObject({ created: 0, attempted: 0, alertedPayoutIds: [] });
    expect(await f.payoutsOf(auto.creatorId)).toHaveLength(1);
    const [row] = await t.database.db.select().from(payments).where(eq(payments.id, paymentId!));
    expect(row).toMatchObject({ status: 'READY', allocatedAmount: 0n });
    await f.expectBooksBalance();
  });
  it('automatic transfers that give up in the same sweep: one admin message listing them all, through the cron endpoint', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const other = await f.connectedCreator({ payoutMode: 'automatic' });
    await f.readyPayments(auto.creatorId, [2000n]);
    await f.readyPayments(other.creatorId, [3000n]);
    await t.testSandbox!.control('POST', '/_sandbox/failures', {
      method: 'POST',
      path: '/v1/transfers',
      error: { status: 400, type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds in Stripe account.' },
      times: 8,
    });
    expect((await cron('automatic-payouts')).json()).toMatchObject({ created: 2, retryScheduled: 2, alertedPayoutIds: [] });
    const reports = [];
    for (const minutes of [5, 10, 20]) {
      t.clock.advance(minutes * 60 + 1);
      const reply = await cron('retry-payouts');
      expect(reply.statusCode).toBe(200);
      reports.push(reply.json<{ message: string; failed: number; alertedPayoutIds: string[] }>());
    }
    const [a] = await f.payoutsOf(auto.creatorId);
    const [b] = await f.payoutsOf(other.creatorId);
    expect([a!.status, b!.status]).toEqual(['FAILED', 'FAILED']);
    const last = reports[2]!;
    expect(last).toMatchObject({ failed: 2, message: expect.stringMatching(/; admins alerted about 2 automatic transfers that failed for good$/) });
    expect([...last.alertedPayoutIds].sort()).toEqual([a!.id, b!.id].sort());
    const summaries = (await f.outbox('alert.automatic_transfers_failed')).filter((m) => JSON.stringify(m.payload).includes(a!.id));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.payload).toMatchObject({ count: 2 });
    const listed = (summaries[0]!.payload.payouts as Array<Record<string, unknown>>).map((p) => [p.payoutId, p.creatorId, p.amount, p.failedAttempts]);
    expect(listed.sort()).toEqual(
      [
        [a!.id, auto.creatorId, '1800', 4],
        [b!.id, other.creatorId, '2700', 4],
      ].sort(),
    );
    await f.expectBooksBalance();
  });

  it('a summary a crash prevented goes out with the next sweep, once even with two sweeps at once; a rolled-back failure and a webhook-exhausted payout are not listed', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    await f.readyPayments(auto.creatorId, [1000n, 2000n, 3000n]);
    await t.testSandbox!.control('POST', '/_sandbox/failures', {
      method: 'POST',
      path: '/v1/transfers',
      error: { status: 400, type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds in Stripe account.' },
      times: 3,
    });
    expect(await runAutomaticPayouts(t.database.db, context())).toMatchObject({ created: 3, retryScheduled: 3 });
    const [a, b, c] = await f.payoutsOf(auto.creatorId);

    // A sweep's last failure of A rolls back: A is still PROCESSING and nothing is reported.
    await expect(
      t.database.db.transaction(async (tx) => {
        await failPayout(tx, await lockPayout(tx, a!.id), { actor: 'system:retry-payouts', code: 'balance_insufficient', message: 'x', moneyBack: 'release', exhausted: true, exhaustionSummarised: true }, t.clock.now());
        throw new Error('the sweep died before commit');
      }),
    ).rejects.toThrow(/died before commit/);
    expect((await f.payoutsOf(auto.creatorId)).find((p) => p.id === a!.id)!.status).toBe('PROCESSING');
    expect(await alertAutomaticTransfersFailed(t.database.db, context())).not.toContain(a!.id);
    expect(await mentioning(a!.id)).toEqual([]);

    // A and B given up by a sweep that died before its summary; C by a webhook (its own alert).
    await giveUp(a!.id, true);
    await giveUp(b!.id, true);
    await giveUp(c!.id, false);
    expect((await f.outbox('alert.payout_retries_exhausted')).filter((m) => m.payload.payoutId === c!.id)).toHaveLength(1);
    expect(await mentioning(a!.id)).toEqual([]);

    // The next sweep — two instances at once — reports A and B, once.
    const [one, two] = await Promise.all([
      retryPayouts(t.database.db, context(), { actor: 'system:retry-payouts' }),
      retryPayouts(t.database.db, context(), { actor: 'system:retry-payouts' }),
    ]);
    expect([...one.alertedPayoutIds, ...two.alertedPayoutIds].sort()).toEqual([a!.id, b!.id].sort());
    const [summary, ...more] = await mentioning(a!.id);
    expect(more).toEqual([]);
    expect(summary).toMatchObject({ recipient: 'admins', payload: { count: 2 } });
    expect((summary!.payload.payouts as Array<{ payoutId: string }>).map((p) => p.payoutId).sort()).toEqual([a!.id, b!.id].sort());
    expect(await mentioning(c!.id)).toEqual([]);
    expect(await alertAutomaticTransfersFailed(t.database.db, context())).toEqual([]);
    await f.expectBooksBalance();
  });
  // PGlite has one connection: a transaction held open here would stop the runs it waits for.
  it.runIf(testDatabaseKind === 'postgres')('summaries are taken one at a time: two runs that saw different failures list each payout once', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    await f.readyPayments(auto.creatorId, [1000n, 2000n]);
    await t.testSandbox!.control('POST', '/_sandbox/failures', {
      method: 'POST',
      path: '/v1/transfers',
      error: { status: 400, type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds in Stripe account.' },
      times: 2,
    });
    expect(await runAutomaticPayouts(t.database.db, context())).toMatchObject({ created: 2, retryScheduled: 2 });
    const [a, b] = await f.payoutsOf(auto.creatorId);
    const waitingForTheLock = (n: number) =>
      waitFor(`${n} runs waiting for the summary lock`, async () => {
        const { rows } = await t.database.db.execute<{ n: number }>(
          sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
        );
        return rows[0]!.n === n;
      });

    await giveUp(a!.id, true);
    // Another run is writing its summary: hold the lock.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('alert.automatic_transfers_failed'))`);
      holding();
      await released;
    });
    await held;
    const runs: Array<Promise<string[]>> = [];
    try {
      runs.push(alertAutomaticTransfersFailed(t.database.db, context())); // has seen A
      await waitingForTheLock(1);
      await giveUp(b!.id, true);
      runs.push(alertAutomaticTransfersFailed(t.database.db, context())); // has seen A and B
      await waitingForTheLock(2);
    } finally {
      release();
      await holder;
    }
    const [one, two] = await Promise.all(runs);

    expect([...one!, ...two!].sort()).toEqual([a!.id, b!.id].sort());
    expect(await mentioning(a!.id)).toHaveLength(1);
    expect(await mentioning(b!.id)).toHaveLength(1);
    await f.expectBooksBalance();
  });
});
