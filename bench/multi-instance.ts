/**
 * Several instances on one PostgreSQL database (issue 15 §3): N real `payouts serve` processes
 * (production mode) on a fresh scratch database behind a round-robin load balancer, the Stripe
 * sandbox in a process of its own, a real SMTP server with a port per instance, every sweep
 * running on every instance. It drives P payments (Stripe payment intents whose webhooks reach the
 * instances through the load balancer, and every 10th through `POST /api/payments`) and Q payouts
 * (80 % requested by creators and processed or approved by admins, 20 % made by the
 * `automatic-payouts` sweep and PAID on `payout.paid`), restarts every instance in turn while it
 * does (SIGTERM, start again), then checks: 0 duplicate transfers and bank payouts at Stripe,
 * 0 duplicate emails (each Message-ID once at the SMTP server, none lost), every payout PAID,
 * `payouts verify` clean, and each instance did part of the work. Prints the split and the times.
 *
 *   npx tsx bench/multi-instance.ts [--payments 10000] [--payouts 1000] [--instances 3] [--restarts 1]
 *                                   [--payment-concurrency 16] [--payout-workers 12]
 *
 * The test at a small size: test/multi-instance.test.ts. The deployment it models: docs/deployment.md.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { runPayouts } from '../test/cli.js';
import { instanceEnvironment } from '../test/multi-instance/instance-environment.js';
import { startMailRecorder, type MailRecorder } from '../test/multi-instance/mail-recorder.js';
import { formatChecks, formatInstanceTrouble, formatSplit } from '../test/multi-instance/report.js';
import { RoundRobinProxy } from '../test/multi-instance/round-robin-proxy.js';
import { startSandboxProcess, type SandboxProcess } from '../test/multi-instance/sandbox-process.js';
import { ServiceCluster } from '../test/multi-instance/service-cluster.js';
import { MultiInstanceWorkload, type WorkloadPlan } from '../test/multi-instance/workload.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

interface CliOptions {
  payments: number;
  payouts: number;
  instances: number;
  restarts: number;
  paymentConcurrency: number;
  payoutWorkers: number;
}

function positiveInteger(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** 20 % of the payouts automatic (10 payments per automatic creator), 80 % requested (5 per manual creator). */
function planFor(options: CliOptions): WorkloadPlan {
  const automaticPayouts = Math.round(options.payouts * 0.2);
  const automaticCreators = Math.max(1, Math.ceil(automaticPayouts / 10));
  const paymentsPerAutomaticCreator = Math.max(1, Math.round(automaticPayouts / automaticCreators));
  const manualCreators = Math.max(1, Math.round((options.payouts - automaticCreators * paymentsPerAutomaticCreator) / 5));
  return {
    payments: options.payments,
    manualCreators,
    payoutsPerManualCreator: 5,
    automaticCreators,
    paymentsPerAutomaticCreator,
    apiPaymentEvery: 10,
    payoutAmount: 2_500,
    paymentConcurrency: options.paymentConcurrency,
    payoutWorkers: options.payoutWorkers,
    adminKeys: 8,
    platformKeys: 8,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const options = new Command()
    .name('multi-instance')
    .description('N payouts instances on one PostgreSQL database behind a load balancer, under load, with a rolling restart')
    .option('--payments <n>', 'payments in all', positiveInteger, 10_000)
    .option('--payouts <n>', 'payouts in all (20 % automatic, 80 % requested)', positiveInteger, 1_000)
    .option('--instances <n>', '`payouts serve` processes', positiveInteger, 3)
    .option('--restarts <n>', 'rolling restarts during the drive (each stops and starts every instance in turn)', positiveInteger, 1)
    .option('--payment-concurrency <n>', 'payments created at once', positiveInteger, 16)
    .option('--payout-workers <n>', 'payout rounds worked on at once', positiveInteger, 12)
    .parse()
    .opts<CliOptions>();
  const plan = planFor(options);
  const names = Array.from({ length: options.instances }, (_, i) => String.fromCharCode(97 + i));
  console.log(
    `multi-instance: ${names.length} instances, ${plan.payments.toLocaleString('en')} payments, ${plan.manualCreators * plan.payoutsPerManualCreator + plan.automaticCreators * plan.paymentsPerAutomaticCreator} payouts ` +
      `(${plan.manualCreators} manual creators × ${plan.payoutsPerManualCreator}, ${plan.automaticCreators} automatic × ${plan.paymentsPerAutomaticCreator}), ` +
      `${options.restarts} rolling restart(s); ${os.cpus().length} CPUs; load ${load()}`,
  );

  const started = performance.now();
  let scratch: ScratchDatabase | undefined;
  let sandbox: SandboxProcess | undefined;
  let mail: MailRecorder | undefined;
  let proxy: RoundRobinProxy | undefined;
  let cluster: ServiceCluster | undefined;
  let stopProgress = () => {};
  process.once('SIGINT', () => process.exit(130));
  // Whatever ends this process (Ctrl-C, a crash) ends the instances too: none is left running on its own.
  process.once('exit', () => cluster?.killAll());
  try {
    // ── the deployment ─────────────────────────────────────────────────────────────────────
    // Migrations once per release: here, before any instance starts (each then applies none).
    scratch = await createScratchDatabase('postgres', 3);
    const databaseUrl = scratch.database.connectionString;
    console.log(`database: ${scratch.location} (migrated)`);
    [sandbox, mail, proxy] = await Promise.all([startSandboxProcess(), startMailRecorder(names), RoundRobinProxy.start(names)]);
    const stripeSecretKey = 'sk_test_multi_instance_bench';
    // What an operator runs once: the webhook endpoints (pointing at the load balancer) and the first admin key.
    const [webhooks, apiKey] = await Promise.all([
      runPayouts(['stripe', 'setup-webhooks', '--url', proxy.url], { STRIPE_SECRET_KEY: stripeSecretKey, STRIPE_API_BASE: sandbox.url }),
      runPayouts(['api-keys', 'create', '--role', 'admin', '--name', 'bench bootstrap'], { DATABASE_URL: databaseUrl }),
    ]);
    const secret = (name: string) => new RegExp(`^${name}=(whsec_\\w+)$`, 'm').exec(webhooks.stdout)?.[1];
    const platform = secret('STRIPE_WEBHOOK_SECRET');
    const connect = secret('STRIPE_WEBHOOK_SECRET_PAYOUTS');
    if (!platform || !connect) throw new Error(`payouts stripe setup-webhooks failed:\n${webhooks.stdout}${webhooks.stderr}`);
    if (apiKey.code !== 0) throw new Error(`payouts api-keys create failed:\n${apiKey.stdout}${apiKey.stderr}`);
    const bootstrapAdminKey = (JSON.parse(apiKey.stdout) as { key: string }).key;
    const cronSecret = randomBytes(24).toString('hex');
    const sessionSecret = randomBytes(32).toString('hex');
    const recorder = mail;
    cluster = new ServiceCluster(
      names,
      (name) => instanceEnvironment({ databaseUrl, sandboxUrl: sandbox!.url, stripeSecretKey, webhookSecrets: { platform, connect }, proxyUrl: proxy!.url, smtpUrl: recorder.urlFor(name), cronSecret, sessionSecret }),
      proxy,
    );
    await cluster.startAll();
    const deployed = performance.now();
    console.log(`deployment up in ${seconds(deployed - started)}: sandbox ${sandbox.url}, load balancer ${proxy.url}, instances ${names.map((n) => `${n} ${cluster!.urlOf(n)}`).join(', ')}`);

    // ── set-up through the API: keys, creators, onboarding ──────────────────────────────────
    const workload = new MultiInstanceWorkload(
      { proxyUrl: proxy.url, sandboxUrl: sandbox.url, stripeSecretKey, cronSecret, bootstrapAdminKey, database: scratch.database, databaseUrl, run: randomBytes(4).toString('hex'), log: (line) => console.log(`  ${line}`) },
      plan,
    );
    await workload.prepare();
    const prepared = performance.now();
    console.log(`set-up: ${plan.manualCreators + plan.automaticCreators} creators onboarded (Express accounts, account.updated), ${plan.adminKeys + plan.platformKeys} API keys in ${seconds(prepared - deployed)}`);

    // ── the drive, with a rolling restart under load ──────────────────────────────────────
    const restarts: { startedAt: number; endedAt?: number; paymentsBefore: number; paymentsAfter?: number }[] = [];
    const runCluster = cluster;
    let restarting: Promise<void> = Promise.resolve();
    const thresholds = Array.from({ length: options.restarts }, (_, i) => Math.max(1, Math.floor((plan.payments * (i + 1)) / (options.restarts + 2))));
    const progress = setInterval(() => {
      const p = workload.progress();
      console.log(
        `  [${seconds(performance.now() - prepared)}] payments ${p.payments.toLocaleString('en')}/${plan.payments.toLocaleString('en')}, manual payouts settled ${p.payoutsSettled}, emails ${recorder.accepted.length.toLocaleString('en')}, load ${load()}`,
      );
    }, 15_000);
    stopProgress = () => clearInterval(progress);
    workload.startSweeps();
    const drive = await workload.drive({
      onPayment: (done) => {
        if (done !== thresholds[0]) return;
        thresholds.shift();
        restarting = restarting.then(async () => {
          const restart: (typeof restarts)[number] = { startedAt: performance.now(), paymentsBefore: workload.progress().payments };
          restarts.push(restart);
          console.log(`  rolling restart ${restarts.length}: begins at ${restart.paymentsBefore.toLocaleString('en')} payments`);
          await runCluster.rollingRestart((name, step) => console.log(`    instance ${name} ${step} (${seconds(performance.now() - restart.startedAt)} into the restart)`));
          restart.endedAt = performance.now();
          restart.paymentsAfter = workload.progress().payments;
          console.log(`  rolling restart ${restarts.length}: done in ${seconds(restart.endedAt - restart.startedAt)}, ${(restart.paymentsAfter - restart.paymentsBefore).toLocaleString('en')} payments meanwhile`);
        });
      },
    });
    await restarting;
    const driven = performance.now();
    await workload.settle(20 * 60_000);
    const settled = performance.now();
    stopProgress();
    await workload.stopSweeps();
    await cluster.stopAll();

    // ── the end state ────────────────────────────────────────────────────────────────────
    const split = proxy.counts();
    const checks = await workload.check(mail, names, split.answered);
    const figures = cluster.instanceFigures();
    const f = workload.figures;
    const payouts = workload.expectedPayouts;
    console.log('');
    console.log(
      `times: deployment ${seconds(deployed - started)}, set-up ${seconds(prepared - deployed)}, drive ${seconds(driven - prepared)} (payments sent in ${seconds(drive.paymentsMs)}, manual payouts settled in ${seconds(drive.payoutsMs)}), ` +
        `settling ${seconds(settled - driven)}; payments through money-out ${seconds(settled - prepared)}: ${(plan.payments / ((settled - prepared) / 1000)).toFixed(1)} payments/s and ${(payouts / ((settled - prepared) / 1000)).toFixed(1)} payouts/s overall; whole run ${seconds(performance.now() - started)}`,
    );
    for (const [i, r] of restarts.entries()) console.log(`rolling restart ${i + 1}: ${seconds((r.endedAt ?? r.startedAt) - r.startedAt)}, ${((r.paymentsAfter ?? 0) - r.paymentsBefore).toLocaleString('en')} payments sent meanwhile`);
    console.log(
      `driver: ${f.paymentsViaStripe.toLocaleString('en')} payments via Stripe webhooks, ${f.paymentsViaApi.toLocaleString('en')} via POST /api/payments; ${f.payoutRequests} payout requests, ${f.processedByAdmin} processed and ${f.approvedByAdmin} approved by admins; ` +
        `${f.waitsForMoney} requests waited for money to be released; ${f.ambiguousAnswers} answers lost and found done on retry; retries ${JSON.stringify(f.retries)}; sweep failures ${JSON.stringify(f.sweepFailures)}`,
    );
    console.log(`load balancer: ${split.failovers} requests sent again to another instance (never received), ${split.badGateway} answered 502, ${split.noUpstream} with no instance in rotation; peak database connections ${f.peakConnections} (the watcher's included)`);
    console.log(`load average (1 / 5 / 15 min) at the end: ${load()}`);
    console.log('');
    console.log(formatSplit({ instances: figures, proxy: split, drive: f, mail }));
    console.log('');
    console.log(formatChecks(checks));
    const trouble = formatInstanceTrouble(figures);
    if (trouble) console.log(trouble);
    // A stop must be graceful once the load balancer drained the instance. A request still running
    // after the drain (a long sweep called over HTTP) may outlast the service's 10-s grace: exit 1,
    // reported; the checks above say whether anything was lost or doubled by it.
    const stops = figures.flatMap((i) => i.stops.map((s) => ({ name: i.name, ...s })));
    const stopsClean = stops.every((s) => s.code === 0 || s.leftInFlight > 0);
    for (const s of stops.filter((stop) => stop.code !== 0)) {
      console.log(`${s.leftInFlight > 0 ? 'note' : 'FAIL'} instance ${s.name} exited ${s.code ?? s.signal} after ${s.shutdownMs} ms, ${s.leftInFlight} request(s) still in flight after a ${s.drainMs}-ms drain`);
    }
    if (checks.some((c) => !c.ok) || !stopsClean) process.exitCode = 1;
  } finally {
    stopProgress();
    cluster?.killAll();
    await proxy?.close();
    await mail?.close();
    await sandbox?.close();
    await scratch?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
