import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/providers/clock/index.js';
import { createApiKey } from '../src/services/api-keys/create-api-key.js';
import { createTestDatabase, testDatabaseKind } from './database.js';
import { instanceEnvironment } from './multi-instance/instance-environment.js';
import { startMailRecorder } from './multi-instance/mail-recorder.js';
import { formatChecks, formatInstanceTrouble, formatSplit } from './multi-instance/report.js';
import { RoundRobinProxy } from './multi-instance/round-robin-proxy.js';
import { startSandboxProcess } from './multi-instance/sandbox-process.js';
import { ServiceCluster } from './multi-instance/service-cluster.js';
import { MultiInstanceWorkload, type WorkloadPlan } from './multi-instance/workload.js';

const instances = ['a', 'b', 'c'] as const;

/**
 * issue 15 §3 at a small size (bench/multi-instance.ts runs it at 10,000 payments and 1,000
 * payouts): three real `payouts serve` processes on one PostgreSQL database behind a round-robin
 * load balancer, the Stripe sandbox in a process of its own, a real SMTP server, every sweep
 * running on every instance — and a rolling restart while payments and payouts go on.
 */
const plan: WorkloadPlan = {
  payments: 300,
  manualCreators: 12,
  payoutsPerManualCreator: 4,
  automaticCreators: 3,
  paymentsPerAutomaticCreator: 4,
  apiPaymentEvery: 5,
  payoutAmount: 2_500,
  paymentConcurrency: 6,
  payoutWorkers: 6,
  // Long enough to outlast the rolling restart (three starts of `payouts serve`).
  paymentsPerSecond: 8,
  adminKeys: 3,
  platformKeys: 3,
};

describe('several instances on one PostgreSQL database', () => {
  it.skipIf(testDatabaseKind !== 'postgres')(
    testDatabaseKind === 'postgres'
      ? 'three instances share the work, survive a rolling restart under load, and pay, email and record everything exactly once'
      : 'three instances share the work (skipped: needs PostgreSQL — run with DATABASE_URL; an embedded PGlite belongs to one process)',
    async () => {
      const database = await createTestDatabase({ poolSize: 3 });
      const sandbox = await startSandboxProcess();
      const mail = await startMailRecorder(instances);
      const proxy = await RoundRobinProxy.start(instances);
      const stripeSecretKey = 'sk_test_multi_instance';
      const cronSecret = randomBytes(24).toString('hex');
      let cluster: ServiceCluster | undefined;
      try {
        const webhookSecrets = await MultiInstanceWorkload.registerWebhookEndpoints({ sandboxUrl: sandbox.url, stripeSecretKey, proxyUrl: proxy.url });
        const sessionSecret = randomBytes(32).toString('hex');
        const env = (name: string) =>
          instanceEnvironment({ databaseUrl: database.url, sandboxUrl: sandbox.url, stripeSecretKey, webhookSecrets, proxyUrl: proxy.url, smtpUrl: mail.urlFor(name), cronSecret, sessionSecret });
        cluster = new ServiceCluster(instances, env, proxy);
        // Migrations ran once, before (the test database is a copy of a migrated template): the instances apply none.
        const [bootstrap] = await Promise.all([
          database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'bootstrap', actor: 'system:test' }, { clock: systemClock })),
          cluster.startAll(),
        ]);

        const workload = new MultiInstanceWorkload(
          { proxyUrl: proxy.url, sandboxUrl: sandbox.url, stripeSecretKey, cronSecret, bootstrapAdminKey: bootstrap.key, database, databaseUrl: database.url, run: randomBytes(4).toString('hex') },
          plan,
        );
        await workload.prepare();
        workload.startSweeps();
        let restart: Promise<void> | undefined;
        await workload.drive({
          onPayment: (done) => {
            if (done === 20) restart = cluster!.rollingRestart();
          },
        });
        await restart;
        await workload.settle(60_000);
        await workload.stopSweeps();
        await cluster.stopAll();

        const split = proxy.counts();
        const checks = await workload.check(mail, instances, split.answered);
        const figures = cluster.instanceFigures();
        console.info(`${formatChecks(checks)}\n${formatSplit({ instances: figures, proxy: split, drive: workload.figures, mail })}\n${formatInstanceTrouble(figures)}`);
        expect(checks.filter((check) => !check.ok)).toEqual([]);
        for (const instance of figures) {
          // Started, restarted, stopped; no migration left to apply, no error logged, no Stripe event failed.
          expect(instance.startMs).toHaveLength(2);
          expect(instance.migrationsApplied).toEqual([0, 0]);
          expect(instance.webhookFailures).toBe(0);
          // Every stop after a completed drain is graceful. A request still running after the drain
          // (a long sweep called over HTTP, on a loaded machine) may outlast the 10-s grace: exit 1,
          // and the checks above show that nothing was lost or doubled.
          for (const stop of instance.stops) if (stop.leftInFlight === 0) expect(stop.code).toBe(0);
          expect(instance.errors.filter((line) => !line.includes('Shutdown timed out'))).toEqual([]);
        }
        expect(split.noUpstream).toBe(0);
      } finally {
        cluster?.killAll();
        await proxy.close();
        await mail.close();
        await sandbox.close();
        await database.close();
      }
    },
    240_000,
  );
});
