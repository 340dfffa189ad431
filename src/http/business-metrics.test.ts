import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { testDatabaseKind } from '../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../test/principals.js';
import { sql } from 'drizzle-orm';
import { payoutSagaFixtures } from '../../test/payout-saga-fixtures.js';
import { recordPayment } from '../services/payments/record-payment.js';

/** Issue 14 §7: business metrics from the database on /metrics, and METRICS_TOKEN. */
let t: TestApp;
let who: TestPrincipals;
const TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  t = await createTestApp({ env: { METRICS_TOKEN: TOKEN } });
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

const scrape = () => t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
const value = (body: string, series: string) => {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe(`business metrics on ${testDatabaseKind}`, () => {
  it('times request → PAID over the last 24 hours and counts transfers waiting for a retry', async () => {
    const fixtures = payoutSagaFixtures(() => t);
    const { creatorId } = await fixtures.connectedCreator({ connected: false });
    const payout = await fixtures.pendingPayout(creatorId);
    const first = (await scrape()).body;
    const retriesBefore = value(first, 'payouts_transfer_retries_pending')!;
    const histogramBefore = { hour: value(first, 'payouts_request_to_paid_duration_seconds_bucket{le="3600"}') ?? 0, sixHours: value(first, 'payouts_request_to_paid_duration_seconds_bucket{le="21600"}') ?? 0, count: value(first, 'payouts_request_to_paid_duration_seconds_count') ?? 0, sum: value(first, 'payouts_request_to_paid_duration_seconds_sum') ?? 0 };
    // A failed transfer waiting for its retry, as the saga leaves it…
    await t.database.db.execute(sql`update payouts set failed_attempts = 1, next_retry_at = now() + interval '5 minutes' where id = ${payout.id}`);
    expect(value((await scrape()).body, 'payouts_transfer_retries_pending')).toBe(retriesBefore + 1);
    // …then paid two hours after it was requested.
    await t.database.db.execute(sql`update payouts set status = 'PAID', next_retry_at = null, requested_at = now() - interval '2 hours', completed_at = now() where id = ${payout.id}`);
    const body = (await scrape()).body;
    expect(value(body, 'payouts_transfer_retries_pending')).toBe(retriesBefore);
    expect(value(body, 'payouts_request_to_paid_seconds{quantile="0.5"}')).toBeCloseTo(7200, 0);
    expect(value(body, 'payouts_payouts{status="PAID"}')).toBe(1);
    // The histogram: one more payout, in the 6-hour bucket and not the 1-hour one, its two hours in the sum.
    expect(body).toContain('# TYPE payouts_request_to_paid_duration_seconds histogram');
    expect(value(body, 'payouts_request_to_paid_duration_seconds_count')).toBe(histogramBefore.count + 1);
    expect(value(body, 'payouts_request_to_paid_duration_seconds_bucket{le="3600"}')).toBe(histogramBefore.hour);
    expect(value(body, 'payouts_request_to_paid_duration_seconds_bucket{le="21600"}')).toBe(histogramBefore.sixHours + 1);
    expect(value(body, 'payouts_request_to_paid_duration_seconds_bucket{le="+Inf"}')).toBe(histogramBefore.count + 1);
    expect(value(body, 'payouts_request_to_paid_duration_seconds_sum')! - histogramBefore.sum).toBeCloseTo(7200, -1);
  });

  it('needs METRICS_TOKEN when it is set, compared whole', async () => {
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
    // An admin API key is not the metrics token.
    expect((await t.app.inject({ url: '/metrics', headers: who.headers.admin })).statusCode).toBe(401);
    expect((await scrape()).statusCode).toBe(200);
  });

  it('reports what creators are owed and the outbox backlog, and follows the money', async () => {
    const before = (await scrape()).body;
    const held = value(before, 'payouts_creator_obligations_minor{bucket="held",currency="eur"}') ?? 0;
    const backlog = value(before, 'payouts_outbox_backlog{status="pending"}') ?? 0;
    await t.database.db.transaction((tx) =>
      recordPayment(tx, { creatorId: who.creator.creatorId, externalId: `pi_metrics_${Date.now()}`, amount: 10_000n, currency: 'eur', paidAt: t.clock.now(), actor: 'test' }, t),
    );
    const after = (await scrape()).body;
    // 10 % fee: the creator's 90.00 is held; its payment.received waits in the outbox (no worker here).
    expect(value(after, 'payouts_creator_obligations_minor{bucket="held",currency="eur"}')).toBe(held + 9_000);
    expect(value(after, 'payouts_outbox_backlog{status="pending"}')).toBe(backlog + 1);
    expect(value(after, 'payouts_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(after).toContain('# TYPE payouts_payouts gauge');
    expect(after).toContain('# TYPE payouts_webhook_events gauge');
    expect(after).toContain('# TYPE payouts_alerts_open gauge');
    expect(after).toContain('# TYPE payouts_platform_balance_minor gauge');
    expect(value(after, 'payouts_transfer_retries_pending')).toBeGreaterThanOrEqual(0);
    expect(value(after, 'payouts_webhook_lag_seconds')).toBe(0);
    expect(after).toContain('# TYPE payouts_request_to_paid_seconds gauge');
  });
});
