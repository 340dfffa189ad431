import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { connectWebhookEvents, platformWebhookEvents } from '../../src/cli/commands/stripe.js';
import type { Database } from '../../src/db/database.js';
import { runPayouts } from '../cli.js';
import type { MailRecorder } from './mail-recorder.js';

/**
 * The money a multi-instance run moves (test/multi-instance.test.ts small, bench/multi-instance.ts
 * at 10,000 payments and 1,000 payouts). Manual creators request payouts in rounds (an admin
 * processes or approves each); automatic creators get one payout per payment from the
 * `automatic-payouts` sweep, PAID when the sandbox reports the bank payout paid.
 */
export interface WorkloadPlan {
  /** Payments in all. Automatic creators get `paymentsPerAutomaticCreator` each; the rest go round-robin to manual creators. */
  payments: number;
  manualCreators: number;
  payoutsPerManualCreator: number;
  automaticCreators: number;
  paymentsPerAutomaticCreator: number;
  /** Every n-th payment of a manual creator goes through `POST /api/payments` (a platform key) instead of a Stripe payment intent; 0: none. */
  apiPaymentEvery: number;
  /** Each manual payout, minor units (EUR). */
  payoutAmount: number;
  /** Payments created at once. */
  paymentConcurrency: number;
  /** Payout rounds worked on at once (each a creator's request, then its approval or processing). */
  payoutWorkers: number;
  /** Pace payments to this rate (a small test run must outlast a rolling restart); unset: as fast as they go. */
  paymentsPerSecond?: number;
  /** Extra API keys made through the API: money routes are limited to 60 a minute per key and route. */
  adminKeys: number;
  platformKeys: number;
}

export interface WorkloadEnvironment {
  /** The load balancer: every call of the driver and every webhook of the sandbox goes through it. */
  proxyUrl: string;
  sandboxUrl: string;
  stripeSecretKey: string;
  cronSecret: string;
  /** An admin key made with `payouts api-keys create`: the driver makes the others through the API. */
  bootstrapAdminKey: string;
  /** A pool on the same database, to watch and check (never to write). */
  database: Database;
  databaseUrl: string;
  /** Unique per run: emails, booking ids, idempotency keys. */
  run: string;
  log?: (line: string) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * The sweeps the driver calls through the load balancer (`POST /api/cron/<job>`) on top of each
 * instance's own scheduler, so they run often and on every instance, some two at once. Not
 * `deliver-notifications`: every instance's own worker delivers continuously (the sweep that runs
 * everywhere), and the cron route drains the whole outbox in one request — under this load a
 * minute, which a stopping instance would have to wait for.
 */
const sweeps: ReadonlyArray<{ job: string; everyMs: number; atOnce: number }> = [
  { job: 'release-holds', everyMs: 1_000, atOnce: 2 },
  { job: 'automatic-payouts', everyMs: 1_500, atOnce: 2 },
  { job: 'retry-payouts', everyMs: 4_000, atOnce: 2 },
  { job: 'retry-webhooks', everyMs: 5_000, atOnce: 1 },
  { job: 'reconcile-payouts', everyMs: 8_000, atOnce: 1 },
  { job: 'monitor-payouts', everyMs: 8_000, atOnce: 1 },
  { job: 'platform-balance-check', everyMs: 12_000, atOnce: 1 },
  { job: 'scheduled-payouts', everyMs: 12_000, atOnce: 1 },
  { job: 'refresh-creator-accounts', everyMs: 20_000, atOnce: 1 },
];

const finalPayoutStatuses = new Set(['PAID', 'FAILED', 'CANCELLED']);

interface ReplyBody {
  error?: { code?: string; message?: string; details?: { payoutId?: string; retryAfterSeconds?: number } };
  [key: string]: unknown;
}

interface Reply {
  status: number;
  body: ReplyBody;
  servedBy: string | undefined;
  retryAfterSeconds: number | undefined;
}

interface CreatorHandle {
  index: number;
  id: string;
  userId: string;
  stripeAccountId: string;
  automatic: boolean;
  token?: string;
}

interface PaymentSpec {
  index: number;
  creator: CreatorHandle;
  amount: number;
  via: 'stripe' | 'api';
  /** The payment intent id (via Stripe) or the externalId (via the API): what the payment is recorded under. */
  reference?: string;
}

export interface DriveFigures {
  paymentsViaStripe: number;
  paymentsViaApi: number;
  payoutRequests: number;
  processedByAdmin: number;
  approvedByAdmin: number;
  /** Requests answered PAYOUT_INSUFFICIENT_BALANCE / PAYOUT_FUNDS_ON_HOLD: money not released yet, asked again. */
  waitsForMoney: number;
  /** Requests whose answer was lost (502) and that the next try found done (PAYOUT_REQUEST_ALREADY_OPEN, 409 on processing). */
  ambiguousAnswers: number;
  /** Calls tried again after a transient answer, by status (0: no answer, 429, 502, 503). */
  retries: Record<string, number>;
  /** Sweeps the driver ran through the load balancer, by the instance that ran them and by job. */
  sweepsByInstance: Record<string, Record<string, number>>;
  /** What those sweeps changed (`updatedCount`), by instance. */
  sweepUpdatesByInstance: Record<string, number>;
  /** Sweeps answered other than 200, by `job status`. */
  sweepFailures: Record<string, number>;
  /** Most connections the database had open at once (sampled every second), and the watcher's own. */
  peakConnections: number;
  /** Answers nothing explains (5xx from an instance, an unexpected error code). Must stay empty. */
  anomalies: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drives a multi-instance deployment from outside, as its users would — a host platform, creators,
 * admins, Stripe and a cron service — only through the load balancer and the sandbox, then checks
 * the end state against the database, the sandbox and the SMTP server.
 */
export class MultiInstanceWorkload {
  readonly figures: DriveFigures = {
    paymentsViaStripe: 0,
    paymentsViaApi: 0,
    payoutRequests: 0,
    processedByAdmin: 0,
    approvedByAdmin: 0,
    waitsForMoney: 0,
    ambiguousAnswers: 0,
    retries: {},
    sweepsByInstance: {},
    sweepUpdatesByInstance: {},
    sweepFailures: {},
    peakConnections: 0,
    anomalies: [],
  };
  private readonly stripe: Stripe;
  private adminKeys: string[] = [];
  private platformKeys: string[] = [];
  private nextAdminKey = 0;
  private nextPlatformKey = 0;
  private creators: CreatorHandle[] = [];
  private payments: PaymentSpec[] = [];
  private paymentsDone = 0;
  /** Payments the API refused for good (each an anomaly): settling does not wait for them. */
  private paymentsGivenUp = 0;
  private payoutsSettled = 0;
  private sweeping: Promise<void>[] = [];
  private stopSweeping = false;

  constructor(
    private readonly env: WorkloadEnvironment,
    readonly plan: WorkloadPlan,
  ) {
    const sandbox = new URL(env.sandboxUrl);
    this.stripe = new Stripe(env.stripeSecretKey, { host: sandbox.hostname, port: Number(sandbox.port), protocol: 'http', maxNetworkRetries: 3, timeout: 30_000 });
  }

  get expectedPayouts(): number {
    return this.plan.manualCreators * this.plan.payoutsPerManualCreator + this.plan.automaticCreators * this.plan.paymentsPerAutomaticCreator;
  }

  progress(): { payments: number; payoutsSettled: number } {
    return { payments: this.paymentsDone, payoutsSettled: this.payoutsSettled };
  }

  /**
   * Register the load balancer's URL as the platform's and the Connect webhook endpoint on the
   * sandbox, for exactly the events the service handles (what `payouts stripe setup-webhooks`
   * does), and return the two signing secrets for the instances' environment.
   */
  static async registerWebhookEndpoints(input: { sandboxUrl: string; stripeSecretKey: string; proxyUrl: string }): Promise<{ platform: string; connect: string }> {
    const sandbox = new URL(input.sandboxUrl);
    const stripe = new Stripe(input.stripeSecretKey, { host: sandbox.hostname, port: Number(sandbox.port), protocol: 'http' });
    const platform = await stripe.webhookEndpoints.create({ url: `${input.proxyUrl}/api/webhooks/stripe`, enabled_events: [...platformWebhookEvents] as Stripe.WebhookEndpointCreateParams.EnabledEvent[] });
    const connect = await stripe.webhookEndpoints.create({ url: `${input.proxyUrl}/api/webhooks/stripe-payouts`, enabled_events: [...connectWebhookEvents] as Stripe.WebhookEndpointCreateParams.EnabledEvent[], connect: true });
    return { platform: platform.secret!, connect: connect.secret! };
  }

  /** API keys, creators (each with an onboarded Express account, payouts enabled by `account.updated`), user tokens; the payments' plan. */
  async prepare(): Promise<void> {
    const { plan, env } = this;
    for (let i = 0; i < plan.adminKeys; i++) this.adminKeys.push(await this.createKey('ADMIN', `finance ops ${i + 1}`));
    for (let i = 0; i < plan.platformKeys; i++) this.platformKeys.push(await this.createKey('PLATFORM', `host backend ${i + 1}`));
    const total = plan.manualCreators + plan.automaticCreators;
    this.creators = new Array<CreatorHandle>(total);
    await inParallel(total, 4, async (index) => {
      const automatic = index >= plan.manualCreators;
      const reply = await this.callUntilDefinite('POST', '/api/creators', this.platformKey(), {
        email: `creator-${index}-${env.run}@multi.example`,
        name: `Creator ${index}`,
        locale: index % 3 === 0 ? 'fr' : 'en',
        ...(automatic && { payoutMode: 'automatic' }),
      });
      if (reply.status !== 201) throw new Error(`POST /api/creators answered ${reply.status}: ${JSON.stringify(reply.body)}`);
      const created = reply.body as unknown as { creator: { id: string; stripeAccountId: string }; user: { id: string } };
      this.creators[index] = { index, id: created.creator.id, userId: created.user.id, stripeAccountId: created.creator.stripeAccountId, automatic };
      // The creator finishes Stripe's onboarding; Stripe tells the service with `account.updated` (a Connect webhook).
      const onboarded = await fetch(`${env.sandboxUrl}/_sandbox/accounts/${created.creator.stripeAccountId}/onboard`, { method: 'POST' });
      if (!onboarded.ok) throw new Error(`onboarding ${created.creator.stripeAccountId} answered ${onboarded.status}`);
    });
    await this.waitUntil('every creator has payouts enabled (account.updated delivered)', 120_000, async () => {
      const rows = await env.database.db.execute<{ n: number }>(sql`select count(*)::int as n from creators where payouts_enabled`);
      return rows.rows[0]!.n === total;
    });
    this.payments = this.planPayments();
  }

  /**
   * Payments and manual payouts at once, with the sweeps running (`startSweeps` first). Resolves
   * when every payment was sent and every manual payout is settled; `onPayment` sees the count.
   */
  async drive(hooks: { onPayment?: (done: number) => void } = {}): Promise<{ paymentsMs: number; payoutsMs: number }> {
    const started = performance.now();
    let paymentsMs = 0;
    let payoutsMs = 0;
    const payments = this.sendPayments(hooks.onPayment).then(() => {
      paymentsMs = performance.now() - started;
    });
    const payouts = this.runPayoutRounds().then(() => {
      payoutsMs = performance.now() - started;
    });
    await Promise.all([payments, payouts]);
    return { paymentsMs, payoutsMs };
  }

  /** The driver's sweeps through the load balancer, and the connection sampler; until `stopSweeps`. */
  startSweeps(): void {
    this.stopSweeping = false;
    for (const sweep of sweeps) {
      this.sweeping.push(
        (async () => {
          while (!this.stopSweeping) {
            await Promise.all(Array.from({ length: sweep.atOnce }, () => this.runSweep(sweep.job)));
            await sleep(sweep.everyMs);
          }
        })(),
      );
    }
    this.sweeping.push(
      (async () => {
        while (!this.stopSweeping) {
          const rows = await this.env.database.db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database()`);
          this.figures.peakConnections = Math.max(this.figures.peakConnections, rows.rows[0]!.n);
          await sleep(1_000);
        }
      })(),
    );
  }

  async stopSweeps(): Promise<void> {
    this.stopSweeping = true;
    await Promise.all(this.sweeping);
    this.sweeping = [];
  }

  /**
   * After the drive: every payment recorded (webhooks delivered), every automatic payout made and
   * PAID, every payout final, the outbox empty, and no webhook in flight for a moment.
   */
  async settle(timeoutMs: number): Promise<void> {
    const { database } = this.env;
    const expectedAutomatic = this.plan.automaticCreators * this.plan.paymentsPerAutomaticCreator;
    const count = async (query: ReturnType<typeof sql>) => (await database.db.execute<{ n: number }>(query)).rows[0]!.n;
    const recordable = this.plan.payments - this.paymentsGivenUp;
    await this.waitUntil(`all ${recordable} payments recorded`, timeoutMs, async () => (await count(sql`select count(*)::int as n from payments`)) >= recordable);
    await this.waitUntil(`${expectedAutomatic} automatic payouts made`, timeoutMs, async () => (await count(sql`select count(*)::int as n from payouts where origin = 'automatic'`)) >= expectedAutomatic);
    await this.waitUntil('every payout final', timeoutMs, async () => (await count(sql`select count(*)::int as n from payouts where status not in ('PAID', 'FAILED', 'CANCELLED')`)) === 0);
    await this.waitUntil('the outbox delivered', timeoutMs, async () => (await count(sql`select count(*)::int as n from outbox_messages where status = 'pending'`)) === 0);
    // Stripe's last events (transfer.created, payout.paid…) and what they queue.
    let last = -1;
    await this.waitUntil('no new webhook event for 3 s', timeoutMs, async () => {
      const now = await count(sql`select (count(*) + coalesce(sum(duplicates), 0))::int as n from webhook_events`);
      const quiet = now === last;
      last = now;
      return quiet;
    }, 3_000);
    await this.waitUntil('the outbox delivered', timeoutMs, async () => (await count(sql`select count(*)::int as n from outbox_messages where status = 'pending'`)) === 0);
  }

  /**
   * The end state, once the instances have stopped: nothing lost, nothing doubled. `verify` is the
   * real command, spawned.
   */
  async check(mail: MailRecorder, instances: readonly string[], split: Record<string, Record<string, number>>): Promise<Check[]> {
    const { db } = this.env.database;
    const checks: Check[] = [];
    const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

    // Payments: each one sent is recorded exactly once.
    const recorded = await db.execute<{ ref: string }>(sql`select coalesce(stripe_payment_intent_id, external_id) as ref from payments`);
    const references = new Map<string, number>();
    for (const row of recorded.rows) references.set(row.ref, (references.get(row.ref) ?? 0) + 1);
    const missing = this.payments.filter((p) => !p.reference || !references.has(p.reference)).length;
    const doubled = [...references.values()].filter((n) => n > 1).length;
    add('payments recorded once each', missing === 0 && doubled === 0 && recorded.rows.length === this.plan.payments, `${recorded.rows.length} of ${this.plan.payments} (via Stripe ${this.figures.paymentsViaStripe}, via the API ${this.figures.paymentsViaApi}); missing ${missing}, doubled ${doubled}`);

    const events = await db.execute<{ status: string; n: number; duplicates: number }>(sql`select status, count(*)::int as n, coalesce(sum(duplicates), 0)::int as duplicates from webhook_events group by status order by status`);
    const eventSummary = events.rows.map((r) => `${r.status} ${r.n}`).join(', ');
    const eventsBad = events.rows.filter((r) => r.status === 'failed' || r.status === 'processing').reduce((sum, r) => sum + r.n, 0);
    add('webhook events all handled', eventsBad === 0, `${eventSummary}; copies received again (duplicates) ${events.rows.reduce((s, r) => s + r.duplicates, 0)}`);

    // Payouts: all made, all settled.
    const payouts = await db.execute<{ id: string; status: string; origin: string; amount: bigint; transfer: string | null; bank: string | null; account: string | null }>(
      sql`select id, status, origin, amount, stripe_transfer_id as transfer, stripe_bank_payout_id as bank, stripe_account_id as account from payouts`,
    );
    const byStatus = new Map<string, number>();
    for (const p of payouts.rows) byStatus.set(`${p.origin}:${p.status}`, (byStatus.get(`${p.origin}:${p.status}`) ?? 0) + 1);
    const unsettled = payouts.rows.filter((p) => !finalPayoutStatuses.has(p.status)).length;
    const paid = payouts.rows.filter((p) => p.status === 'PAID');
    add(
      'every payout settled (PAID)',
      payouts.rows.length === this.expectedPayouts && paid.length === this.expectedPayouts && unsettled === 0,
      `${payouts.rows.length} payouts (expected ${this.expectedPayouts}): ${[...byStatus].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );

    // Transfers at Stripe: one per payout, for its amount.
    const transfers: Stripe.Transfer[] = [];
    for await (const transfer of this.stripe.transfers.list({ limit: 100 })) transfers.push(transfer);
    const perPayout = new Map<string, Stripe.Transfer[]>();
    for (const t of transfers) {
      const key = t.metadata?.payoutId ?? t.transfer_group ?? t.id;
      perPayout.set(key, [...(perPayout.get(key) ?? []), t]);
    }
    const duplicateTransfers = [...perPayout.values()].reduce((sum, list) => sum + list.length - 1, 0);
    const ours = new Map(payouts.rows.map((p) => [p.id, p]));
    const strangers = [...perPayout.keys()].filter((id) => !ours.has(id)).length;
    const mismatched = paid.filter((p) => {
      const list = perPayout.get(p.id) ?? [];
      return list.length !== 1 || BigInt(list[0]!.amount) !== BigInt(p.amount) || list[0]!.id !== p.transfer;
    }).length;
    add('0 duplicate transfers at Stripe', duplicateTransfers === 0 && strangers === 0 && mismatched === 0, `${transfers.length} transfers for ${perPayout.size} payouts: duplicates ${duplicateTransfers}, not ours ${strangers}, PAID payouts without exactly their one transfer ${mismatched}`);

    // Bank payouts of automatic creators: one per automatic payout.
    let bankPayouts = 0;
    let duplicateBankPayouts = 0;
    for (const creator of this.creators.filter((c) => c.automatic)) {
      const seen = new Map<string, number>();
      for await (const bank of this.stripe.payouts.list({ limit: 100 }, { stripeAccount: creator.stripeAccountId })) {
        if (bank.status === 'failed' || bank.status === 'canceled') continue;
        bankPayouts++;
        const payoutId = bank.metadata?.payoutId ?? bank.id;
        seen.set(payoutId, (seen.get(payoutId) ?? 0) + 1);
      }
      duplicateBankPayouts += [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    }
    const automaticPaid = paid.filter((p) => p.origin === 'automatic').length;
    add('0 duplicate bank payouts (automatic mode)', duplicateBankPayouts === 0 && bankPayouts === automaticPaid, `${bankPayouts} bank payouts for ${automaticPaid} automatic payouts; duplicates ${duplicateBankPayouts}`);

    // Emails: every one the outbox says it sent arrived once; none arrived twice.
    const sent = await db.execute<{ id: string }>(sql`select email_message_id as id from outbox_messages where email_message_id is not null`);
    const received = new Map<string, number>();
    for (const { messageId } of mail.accepted) received.set(messageId, (received.get(messageId) ?? 0) + 1);
    const duplicateEmails = [...received.values()].reduce((sum, n) => sum + n - 1, 0);
    const sentIds = new Set(sent.rows.map((r) => r.id));
    const lostEmails = [...sentIds].filter((id) => !received.has(id)).length;
    const unknownEmails = [...received.keys()].filter((id) => !sentIds.has(id)).length;
    add('0 duplicate emails (Message-ID seen once)', duplicateEmails === 0 && lostEmails === 0 && unknownEmails === 0, `${mail.accepted.length} received, ${received.size} distinct Message-IDs, ${sentIds.size} sent by the outbox; duplicates ${duplicateEmails}, lost ${lostEmails}, unknown ${unknownEmails}`);
    const outbox = await db.execute<{ status: string; n: number }>(sql`select status, count(*)::int as n from outbox_messages group by status order by status`);
    add('outbox delivered', !outbox.rows.some((r) => r.status === 'pending' || r.status === 'failed'), outbox.rows.map((r) => `${r.status} ${r.n}`).join(', '));

    // `payouts verify`: the ledger, payout and analytics invariants, by the real command.
    const verify = await runPayouts(['verify'], { DATABASE_URL: this.env.databaseUrl });
    const verdict = verify.stdout.split('\n').find((line) => /Ledger (verified|verification FAILED)/.test(line)) ?? verify.stdout.slice(-500);
    add('payouts verify clean', verify.code === 0, `exit ${verify.code}: ${verdict.trim()}${verify.code === 0 ? '' : `\n${verify.stdout}${verify.stderr}`}`);

    // The split: each instance served its part of every kind of request.
    for (const name of instances) {
      const served = split[name] ?? {};
      const emails = mail.accepted.filter((m) => m.instance === name).length;
      const sweepsRun = Object.values(this.figures.sweepsByInstance[name] ?? {}).reduce((a, b) => a + b, 0);
      const ok = (served.webhooks ?? 0) > 0 && (served['payout-requests'] ?? 0) > 0 && (served.admin ?? 0) > 0 && sweepsRun > 0 && emails > 0;
      add(`instance ${name} did part of the work`, ok, `webhooks ${served.webhooks ?? 0}, payments API ${served.payments ?? 0}, creator payout calls ${served['payout-requests'] ?? 0}, admin ${served.admin ?? 0}, sweeps ${sweepsRun}, emails sent ${emails}`);
    }
    add('no unexplained answer', this.figures.anomalies.length === 0, this.figures.anomalies.slice(0, 10).join('\n') || 'none');
    return checks;
  }

  // ── payments ────────────────────────────────────────────────────────────────────────────────

  /** Which creator, how much and by which road, for each payment; spread so that every creator earns throughout the run. */
  private planPayments(): PaymentSpec[] {
    const { plan } = this;
    const manual = this.creators.filter((c) => !c.automatic);
    const automatic = this.creators.filter((c) => c.automatic);
    const owners: CreatorHandle[] = [];
    for (const creator of automatic) for (let i = 0; i < plan.paymentsPerAutomaticCreator; i++) owners.push(creator);
    const toManual = plan.payments - owners.length;
    if (toManual < manual.length) throw new Error(`${plan.payments} payments are too few for ${manual.length} manual creators`);
    for (let i = 0; i < toManual; i++) owners.push(manual[i % manual.length]!);
    // A fixed shuffle (a small LCG): the same run every time, automatic payments spread over it.
    let seed = 0x2545f491;
    for (let i = owners.length - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const j = seed % (i + 1);
      [owners[i], owners[j]] = [owners[j]!, owners[i]!];
    }
    let manualCount = 0;
    return owners.map((creator, index) => {
      const viaApi = !creator.automatic && plan.apiPaymentEvery > 0 && ++manualCount % plan.apiPaymentEvery === 0;
      return { index, creator, amount: 2_000 + ((index * 7919) % 18_001), via: viaApi ? 'api' : 'stripe' };
    });
  }

  private async sendPayments(onPayment?: (done: number) => void): Promise<void> {
    const started = performance.now();
    const perSecond = this.plan.paymentsPerSecond;
    await inParallel(this.payments.length, this.plan.paymentConcurrency, async (i) => {
      if (perSecond) {
        const due = started + (i * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      await this.sendPayment(this.payments[i]!);
      this.paymentsDone++;
      onPayment?.(this.paymentsDone);
    });
  }

  private async sendPayment(spec: PaymentSpec): Promise<void> {
    const bookingId = `bk_${this.env.run}_${spec.index}`;
    if (spec.via === 'stripe') {
      // A customer pays at Stripe; `payment_intent.succeeded` reaches an instance through the load balancer.
      const intent = await this.stripe.paymentIntents.create(
        { amount: spec.amount, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true, metadata: { creatorId: spec.creator.id, bookingId } },
        { idempotencyKey: `multi-${this.env.run}-${spec.index}` },
      );
      spec.reference = intent.id;
      this.figures.paymentsViaStripe++;
      return;
    }
    const externalId = `ext_${this.env.run}_${spec.index}`;
    for (let attempt = 1; ; attempt++) {
      const reply = await this.callUntilDefinite('POST', '/api/payments', this.platformKey(), { creatorId: spec.creator.id, externalId, bookingId, amount: spec.amount, currency: 'eur' });
      if (reply.status === 201 || reply.status === 200) break;
      // Recorded as a finding; the host platform tries again (the route is idempotent on externalId), so the rest of the run can still be checked.
      this.anomaly('POST /api/payments', reply);
      if (reply.status < 500 || attempt >= 5) {
        this.paymentsGivenUp++;
        break;
      }
      await sleep(500);
    }
    spec.reference = externalId;
    this.figures.paymentsViaApi++;
  }

  // ── manual payouts ──────────────────────────────────────────────────────────────────────────

  /** Round k of every manual creator before round k+1 of any: a creator's next request waits for their previous payout to settle. */
  private async runPayoutRounds(): Promise<void> {
    const manual = this.creators.filter((c) => !c.automatic);
    const tasks: { creator: CreatorHandle; round: number }[] = [];
    for (let round = 1; round <= this.plan.payoutsPerManualCreator; round++) for (const creator of manual) tasks.push({ creator, round });
    const previous = new Map<string, Promise<void>>();
    const chained = tasks.map(({ creator, round }) => ({ creator, round, run: () => (previous.get(creator.id) ?? Promise.resolve()).then(() => this.payOut(creator)) }));
    await inParallel(chained.length, this.plan.payoutWorkers, async (i) => {
      const task = chained[i]!;
      const done = task.run();
      previous.set(task.creator.id, done);
      await done;
    });
  }

  private async payOut(creator: CreatorHandle): Promise<void> {
    let payout: { id: string; status: string } | undefined;
    let serverErrors = 0;
    while (!payout) {
      const reply = await this.callUntilDefinite('POST', '/api/payouts/request', await this.tokenFor(creator), { amount: this.plan.payoutAmount, currency: 'eur' });
      const code = reply.body.error?.code;
      if (reply.status === 201) {
        payout = reply.body.payout as { id: string; status: string };
        this.figures.payoutRequests++;
      } else if (reply.status === 401) {
        creator.token = undefined;
      } else if (code === 'PAYOUT_INSUFFICIENT_BALANCE' || code === 'PAYOUT_FUNDS_ON_HOLD') {
        this.figures.waitsForMoney++;
        await sleep(500 + Math.random() * 500);
      } else if (code === 'PAYOUT_REQUEST_ALREADY_OPEN' && reply.body.error?.details?.payoutId) {
        // An earlier try of this very request went through but its answer was lost (the previous round settled before this one started).
        this.figures.ambiguousAnswers++;
        const id = reply.body.error.details.payoutId;
        payout = { id, status: await this.payoutStatus(id) };
        this.figures.payoutRequests++;
      } else {
        this.anomaly('POST /api/payouts/request', reply);
        // A creator asks again after a server error; anything else would be asked again in vain.
        if (reply.status < 500 || ++serverErrors >= 5) return;
        await sleep(500);
      }
    }
    await this.settlePayout(payout.id, payout.status);
  }

  /** Take a payout to a final status: an admin processes it (PENDING) or approves it (PENDING_APPROVAL, then processed at once). */
  private async settlePayout(payoutId: string, initial: string): Promise<void> {
    let status = initial;
    let serverErrors = 0;
    for (;;) {
      if (finalPayoutStatuses.has(status)) {
        this.payoutsSettled++;
        return;
      }
      if (status === 'PENDING' || status === 'PENDING_APPROVAL') {
        const approving = status === 'PENDING_APPROVAL';
        const reply = approving
          ? await this.callUntilDefinite('POST', '/api/admin/payout-approval', this.adminKey(), { payoutId, action: 'approve', notes: 'Checked by the multi-instance driver' })
          : await this.callUntilDefinite('POST', '/api/admin/payouts', this.adminKey(), { payoutId });
        if (reply.status === 200) {
          if (approving) this.figures.approvedByAdmin++;
          else this.figures.processedByAdmin++;
          status = (reply.body.payout as { status: string }).status;
        } else if (reply.status === 409) {
          // Someone (or an earlier try whose answer was lost) moved it on: look again.
          this.figures.ambiguousAnswers++;
          status = await this.payoutStatus(payoutId);
        } else {
          this.anomaly(approving ? 'POST /api/admin/payout-approval' : 'POST /api/admin/payouts', reply);
          // An admin looks again after a server error (what it did, if anything, shows in the status).
          if (reply.status < 500 || ++serverErrors >= 5) return;
          await sleep(500);
          status = await this.payoutStatus(payoutId);
        }
      } else {
        // PROCESSING: a retry or Stripe's webhook finishes it.
        await sleep(1_000);
        status = await this.payoutStatus(payoutId);
      }
    }
  }

  private async payoutStatus(payoutId: string): Promise<string> {
    const reply = await this.callUntilDefinite('GET', `/api/payouts/${payoutId}`, this.adminKey());
    if (reply.status !== 200) throw new Error(`GET /api/payouts/${payoutId} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return (reply.body.payout as { status: string }).status;
  }

  /** A creator's short-lived token, issued by the host platform's key on whichever instance: every instance verifies it with the shared SESSION_SECRET. */
  private async tokenFor(creator: CreatorHandle): Promise<string> {
    if (creator.token) return creator.token;
    const reply = await this.callUntilDefinite('POST', '/api/auth/tokens', this.platformKey(), { userId: creator.userId });
    if (reply.status !== 200) throw new Error(`POST /api/auth/tokens answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    creator.token = reply.body.token as string;
    return creator.token;
  }

  // ── sweeps ──────────────────────────────────────────────────────────────────────────────────

  private async runSweep(job: string): Promise<void> {
    const reply = await this.call('POST', `/api/cron/${job}`, this.env.cronSecret);
    if (reply.status === 200 && reply.servedBy) {
      const runs = (this.figures.sweepsByInstance[reply.servedBy] ??= {});
      runs[job] = (runs[job] ?? 0) + 1;
      this.figures.sweepUpdatesByInstance[reply.servedBy] = (this.figures.sweepUpdatesByInstance[reply.servedBy] ?? 0) + Number(reply.body.updatedCount ?? 0);
      return;
    }
    const key = `${job} ${reply.status}${reply.body.error?.code ? ` ${reply.body.error.code}` : ''}`;
    this.figures.sweepFailures[key] = (this.figures.sweepFailures[key] ?? 0) + 1;
    // A sweep the instance could not run now (it is stopping, Stripe is slow) is run again later; a 500 is a bug.
    if (reply.status === 500) this.anomaly(`POST /api/cron/${job}`, reply);
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────

  private async createKey(role: 'ADMIN' | 'PLATFORM', name: string): Promise<string> {
    const reply = await this.callUntilDefinite('POST', '/api/admin/api-keys', this.env.bootstrapAdminKey, { role, name });
    if (reply.status !== 201) throw new Error(`POST /api/admin/api-keys answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body.key as string;
  }

  private adminKey(): string {
    return this.adminKeys[this.nextAdminKey++ % this.adminKeys.length] ?? this.env.bootstrapAdminKey;
  }

  private platformKey(): string {
    return this.platformKeys[this.nextPlatformKey++ % this.platformKeys.length]!;
  }

  private async call(method: 'GET' | 'POST', path: string, bearer: string, body?: unknown): Promise<Reply> {
    try {
      const response = await fetch(`${this.env.proxyUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      let parsed: ReplyBody;
      try {
        parsed = JSON.parse(text) as ReplyBody;
      } catch {
        parsed = { raw: text };
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      return { status: response.status, body: parsed, servedBy: response.headers.get('x-served-by') ?? undefined, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
    } catch (error) {
      return { status: 0, body: { error: { code: 'NO_ANSWER', message: error instanceof Error ? error.message : String(error) } }, servedBy: undefined, retryAfterSeconds: undefined };
    }
  }

  /**
   * Call until the answer is not transient: no answer, 429 (after Retry-After), 502 (the instance
   * took the request and gave no answer), 503 (an instance closing, or none in rotation). Only
   * for calls that are safe to repeat or whose repeat the caller recognises.
   */
  private async callUntilDefinite(method: 'GET' | 'POST', path: string, bearer: string, body?: unknown): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.call(method, path, bearer, body);
      const transient = reply.status === 0 || reply.status === 429 || reply.status === 502 || reply.status === 503;
      if (!transient || attempt >= 120) return reply;
      this.figures.retries[reply.status] = (this.figures.retries[reply.status] ?? 0) + 1;
      await sleep(reply.status === 429 ? (reply.retryAfterSeconds ?? 1) * 1000 : Math.min(2_000, 100 * attempt));
    }
  }

  private anomaly(what: string, reply: Reply): void {
    this.figures.anomalies.push(`${what} → ${reply.status} from ${reply.servedBy ?? 'the proxy'}: ${JSON.stringify(reply.body).slice(0, 300)}`);
  }

  private async waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>, intervalMs = 500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.env.log?.(`waiting until ${what}…`);
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting until ${what}`);
      await sleep(intervalMs);
    }
  }
}

/** Run `work(0 … count − 1)`, `width` at a time. */
async function inParallel(count: number, width: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
