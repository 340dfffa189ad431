import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import { insertCreator } from '../../test/fixtures.js';
import { loadConfig } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { payments } from '../db/schema/index.js';
import { createLogger } from '../http/logger.js';
import { AdjustableClock } from '../providers/clock/index.js';
import { StripeGateway } from '../providers/stripe/index.js';
import { recordPayment } from '../services/payments/record-payment.js';
import { jobs } from './registry.js';
import { startScheduler, type Scheduler } from './scheduler.js';

let database: Database;
let scheduler: Scheduler | undefined;
const config = loadConfig({ PAYOUT_HOLDING_HOURS: '1' });
const clock = new AdjustableClock();
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await scheduler?.stop();
  await database?.close();
});

describe(`the built-in scheduler (pg-boss) on ${testDatabaseKind}`, () => {
  it('runs a triggered job through its queue, sharing the service pool', async () => {
    const stripe = new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [] });
    scheduler = await startScheduler({ jobs, context: { config, clock, stripe, database }, logger: createLogger({ level: 'silent' }), schedule: true });
    const { creatorId } = await insertCreator(database.db);
    const { payment } = await database.db.transaction((tx) =>
      recordPayment(tx, { creatorId, externalId: 'pi_sched', amount: 5000n, currency: 'eur', paidAt: clock.now(), actor: 'test' }, { config, clock }),
    );
    clock.advance(3601);
    await scheduler.trigger('release-holds');
    const deadline = Date.now() + 20_000;
    let status = payment.status;
    while (status !== 'READY' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      [{ status }] = (await database.db.select({ status: payments.status }).from(payments).where(eq(payments.id, payment.id))) as [{ status: typeof status }];
    }
    expect(status).toBe('READY');
    const { rows } = await database.pool.query<{ name: string; cron: string }>('select name, cron from pgboss.schedule order by name');
    // Every scheduled job of the registry, and only those (jobs are added by many issues).
    const scheduled = jobs.filter((job) => job.schedule !== null).map((job) => ({ name: job.name, cron: job.schedule }));
    expect(rows).toEqual(scheduled.sort((a, b) => (a.name < b.name ? -1 : 1)));
    expect(rows).toContainEqual({ name: 'release-holds', cron: '0 * * * *' });
  });
});

describe(`several instances' schedulers on ${testDatabaseKind}`, () => {
  it('all start when they start together on a database pg-boss is not set up in yet (its schema and queues would race)', async () => {
    const fresh = await createTestDatabase({ poolSize: 4 });
    // One pool per instance, as three `payouts serve` processes would have.
    const pools = [fresh, ...(await Promise.all([1, 2].map(() => openDatabase({ url: fresh.url, dataDir: '', poolSize: 4 }))))];
    const stripe = new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [] });
    try {
      const started = await Promise.allSettled(pools.map((each) => startScheduler({ jobs, context: { config, clock, stripe, database: each }, logger: createLogger({ level: 'silent' }) })));
      for (const result of started) if (result.status === 'fulfilled') await result.value.stop();
      expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started', 'started']);
      const { rows } = await fresh.pool.query<{ name: string }>('select name from pgboss.queue');
      expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(jobs.map((job) => job.name)));
    } finally {
      for (const each of pools.slice(1)) await each.close();
      await fresh.close();
    }
  }, 60_000);
});

describe(`webhook jobs on ${testDatabaseKind}`, () => {
  it('deletes only events older than the retention period', async () => {
    const { cleanupWebhooksJob } = await import('./webhook-jobs.js');
    const { webhookEvents } = await import('../db/schema/index.js');
    const old = new Date(clock.now().getTime() - 31 * 86_400_000);
    await database.db.insert(webhookEvents).values([
      { id: 'evt_old', type: 'x', status: 'completed', payload: {}, receivedAt: old },
      { id: 'evt_new', type: 'x', status: 'completed', payload: {}, receivedAt: clock.now() },
    ]);
    const stripe = new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [] });
    const outcome = await cleanupWebhooksJob.run({ config, clock, stripe, database, actor: 'test' });
    expect(outcome.updatedCount).toBe(1);
    const left = await database.db.select({ id: webhookEvents.id }).from(webhookEvents);
    expect(left.map((e) => e.id)).toEqual(['evt_new']);
  });
});
