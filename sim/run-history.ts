import { and, eq, inArray, isNotNull, notInArray } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Config } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import { schedulePeriod } from '../src/domain/payouts/payout-mode.js';
import { creatorClawbacks, outboxMessages, paymentDisputes, paymentRefunds, payments, payouts, reconciliationItems, webhookEvents } from '../src/db/schema/index.js';
import type { App } from '../src/http/app.js';
import { balances, creatorAccount, creatorAccountKinds, platformAccount, verifyLedger, type CreatorAccountKind } from '../src/ledger/index.js';
import type { AdjustableClock } from '../src/providers/clock/index.js';
import type { StripeGateway } from '../src/providers/stripe/index.js';
import type { TestSandbox } from '../src/sandbox/testing/test-sandbox.js';
import { createApiKey } from '../src/services/api-keys/create-api-key.js';
import { processPayout } from '../src/services/payouts/process-payout.js';
import { refundPayment } from '../src/services/refunds/refund-payment.js';
import { verifyPayouts } from '../src/services/payouts/verify-payouts.js';
import { reconcileWithStripe } from '../src/services/reconciliation/reconcile-with-stripe.js';
import { armCrashPoints, crashPointNames, setCrashHandler, type CrashPointName } from '../src/providers/crash-points/index.js';
import { mulberry32, type Random } from './prng.js';

/** The service in-process with its sandbox (test/app.ts `createTestApp({ listen: true })` is one). */
export interface SimulationService {
  app: App;
  database: Database;
  config: Config;
  clock: AdjustableClock;
  stripe: StripeGateway;
  testSandbox: TestSandbox | undefined;
  /** The same Stripe with a long timeout, for the checks' reads (reconciliation): a check is not where timeouts are tested. */
  patientStripe?: StripeGateway;
}

/**
 * The service's settings every history runs with: manual payouts unless a creator says otherwise
 * (each creator's `payoutMode` is drawn), a 2-day hold, an approval threshold that some requests pass.
 */
export const simulationEnv: Record<string, string> = {
  ENABLE_TEST_CLOCK: '1',
  PAYOUT_HOLDING_DAYS: '2',
  PAYOUT_MODE: 'manual',
  APPROVAL_THRESHOLD_CENTS: '40000',
  MIN_PAYOUT_AMOUNT_CENTS: '100',
};

/**
 * The service's settings a history draws from its seed, beyond `simulationEnv`: who bears a lost
 * dispute's fee. Drawn with a generator of their own, so the steps of a seed are what they were.
 */
export function serviceSettings(seed: number): Record<string, string> {
  const random = mulberry32(seed ^ 0x5e771265);
  return { DISPUTE_FEE_PAYER: random.chance(0.5) ? 'creator' : 'platform' };
}

export interface HistoryResult {
  seed: number;
  /** What the history did, one line a step (printed for a failing seed). */
  steps: string[];
  violations: string[];
  counts: Record<string, number>;
  /** Where the history's time went: set-up, each kind of step, settling, the checks (wall-clock ms; not part of what is checked). */
  milliseconds?: Record<string, number>;
}

const currencies = ['eur', 'usd'] as const;
type Currency = (typeof currencies)[number];

/** Faults of the Stripe API a step may meet (sandbox failure rules, `times: 1`). */
const stripeFaults = {
  server_error: { error: { status: 500, type: 'api_error', message: 'simulated 5xx' } },
  rate_limited: { error: { status: 429, type: 'invalid_request_error', code: 'rate_limit', message: 'simulated 429' } },
  timeout_before: { timeout: 'before' },
  timeout_after: { timeout: 'after' },
} as const;
type StripeFault = keyof typeof stripeFaults;

const operations = {
  apiPayment: 2,
  cardPayment: 4,
  checkout: 3,
  bookingFailed: 1,
  advanceClock: 6,
  release: 2,
  request: 6,
  process: 5,
  crash: 1,
  crashRefund: 1,
  kill: 2,
  redeliver: 1,
  review: 2,
  refund: 2,
  closeDispute: 1,
  sweep: 1,
  clawback: 1,
  automaticPayouts: 2,
  payoutDay: 1,
} as const;
type Operation = keyof typeof operations;

/**
 * One history (docs/simulation.md): generated step by step from `seed`, run through the real HTTP
 * API, the real database and the sandbox, with faults from the same seed; then settled and checked.
 * Returns the violations found (none when the money path held).
 */
export async function runHistory(service: SimulationService, seed: number, options: { steps?: number; beforeChecks?: () => Promise<void> } = {}): Promise<HistoryResult> {
  const history = new History(service, seed);
  try {
    await history.timed('setUp', () => history.setUp());
    const steps = options.steps ?? history.random.int(40, 60);
    for (let i = 0; i < steps; i++) await history.step(i);
    await history.timed('settle', () => history.settle());
    await options.beforeChecks?.();
    await history.timed('check', () => history.check());
  } catch (error) {
    history.violations.push(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  return { seed, steps: history.log, violations: history.violations, counts: history.counts, milliseconds: history.milliseconds };
}

function errorCode(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    return '';
  }
}

type PayoutMode = 'manual' | 'automatic' | 'scheduled';

interface SimCreator {
  creatorId: string;
  userId: string;
  mode: PayoutMode;
  /** With mode `scheduled`. */
  schedule?: 'weekly' | 'monthly';
}

class History {
  readonly random: Random;
  readonly log: string[] = [];
  readonly violations: string[] = [];
  readonly counts: Record<string, number> = {};
  readonly milliseconds: Record<string, number> = {};
  private readonly customer: Stripe;
  private readonly sandboxUrl: string;
  private headers: { admin: Record<string, string>; platform: Record<string, string>; cron: Record<string, string> } = { admin: {}, platform: {}, cron: {} };
  private creators: SimCreator[] = [];
  /** What customers paid, per currency, through `POST /api/payments` (the card payments are read from the sandbox). */
  private readonly paidThroughApi: Record<Currency, bigint> = { eur: 0n, usd: 0n };
  private started = new Date(0);
  /** The platform's own funding charges: at Stripe and, rightly, not payments of ours. */
  private readonly fundingCharges = new Set<string>();
  private faultInjected = false;
  /** A crash point fired during the current step (`kill`): the request it cut short answers 500, as a killed process's would fail. */
  private crashFired = false;
  /** Checkout sessions a customer paid (for `bookingFailed`). */
  private readonly paidSessions: string[] = [];

  constructor(
    private readonly service: SimulationService,
    readonly seed: number,
  ) {
    this.random = mulberry32(seed);
    if (!service.testSandbox) throw new Error('the simulation needs the sandbox');
    this.customer = new Stripe('sk_test_simulation_customer', service.testSandbox.clientOptions);
    this.sandboxUrl = service.testSandbox.sandbox.url;
  }

  async timed<T>(what: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.milliseconds[what] = (this.milliseconds[what] ?? 0) + Math.round(performance.now() - started);
    }
  }

  /** The answer to a Stripe call that timed out with no fault injected (a loaded machine): 503 STRIPE_CONNECTION_ERROR, the documented answer. */
  private stripeTimedOut(reply: { statusCode: number; body: string }): boolean {
    return reply.statusCode >= 500 && errorCode(reply.body) === 'STRIPE_CONNECTION_ERROR';
  }

  private count(what: string, n = 1) {
    this.counts[what] = (this.counts[what] ?? 0) + n;
  }

  private async api(method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) {
    const reply = await this.service.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    // A Stripe failure the step injected may surface as a 502/503 with a STRIPE_* code: the documented answer, not a violation.
    const stripeError = this.faultInjected && /"code":"STRIPE_/.test(reply.body);
    // A Stripe call that timed out (1.5 s) without a fault injected: the machine was slow (a loaded CI) — a real fault, with the same documented answer.
    const unpromptedTimeout = /"code":"STRIPE_CONNECTION_ERROR"/.test(reply.body);
    if (reply.statusCode >= 500 && stripeError) this.count('stripe_error_answered');
    else if (reply.statusCode >= 500 && unpromptedTimeout) this.count('stripe_timeout_unprompted');
    else if (reply.statusCode >= 500 && this.crashFired) this.count('killed_request_answered');
    else if (reply.statusCode >= 500) this.violations.push(`${method} ${url} answered ${reply.statusCode}: ${reply.body.slice(0, 300)}`);
    return reply;
  }

  private async clearFaults() {
    await this.control('DELETE', '/_sandbox/failures');
    this.faultInjected = false;
  }

  private async control(method: 'POST' | 'DELETE', path: string, body?: object) {
    const response = await fetch(`${this.sandboxUrl}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${await response.text()}`);
  }

  /** Maybe (from the seed) make the next call to `path` fail the way Stripe can. */
  private async maybeFault(path: string, probability: number): Promise<StripeFault | null> {
    if (!this.random.chance(probability)) return null;
    const fault = this.random.pick(Object.keys(stripeFaults) as StripeFault[]);
    await this.control('POST', '/_sandbox/failures', { method: 'POST', path, times: 1, ...stripeFaults[fault] });
    this.faultInjected = true;
    this.count(`fault:${fault}`);
    return fault;
  }

  private async creatorHeaders(creator: SimCreator) {
    const reply = await this.api('POST', '/api/auth/tokens', this.headers.platform, { userId: creator.userId });
    return { authorization: `Bearer ${reply.json<{ token: string }>().token}` };
  }

  async setUp() {
    const { database, config, clock } = this.service;
    this.started = clock.now();
    const [admin, platform] = await database.db.transaction(async (tx) => [
      await createApiKey(tx, { role: 'ADMIN', name: 'simulation admin', actor: 'simulation' }, { clock }),
      await createApiKey(tx, { role: 'PLATFORM', name: 'simulation platform', actor: 'simulation' }, { clock }),
    ]);
    this.headers = { admin: { authorization: `Bearer ${admin.key}` }, platform: { authorization: `Bearer ${platform.key}` }, cron: { authorization: `Bearer ${config.cron.secret}` } };

    // Webhook delivery for this history: duplicated, reordered, lost (then retried, as Stripe does) and / or
    // delayed past the reorder window; retried fast, and often enough that no event is lost for good.
    const webhooks = {
      duplicateRate: this.random.pick([0, 0, 0.3, 1]),
      outOfOrder: this.random.chance(0.5),
      dropRate: this.random.pick([0, 0, 0.1, 0.3]),
      maxDelayMs: this.random.pick([0, 0, 300, 1500]),
      maxAttempts: 20,
      initialRetryDelayMs: 50,
      maxRetryDelayMs: 400,
      reorderWindowMs: 50,
    };
    await this.control('POST', '/_sandbox/webhooks', webhooks);
    this.log.push(`webhooks ${JSON.stringify(webhooks)}; a lost dispute's fee borne by the ${config.disputeFeePayer}`);

    // The platform's Stripe balance, available at once, so transfers are funded (no creatorId: not a payment of ours).
    for (const currency of currencies) {
      const intent = await this.customer.paymentIntents.create({ amount: 100_000_000, currency, payment_method: 'pm_card_bypassPending', confirm: true });
      this.fundingCharges.add(String(intent.latest_charge));
    }

    // Drawn with a generator of their own, so that a seed's steps are what they were before banks failed.
    const banks = mulberry32(this.seed ^ 0x0ba4c);
    const howMany = this.random.int(2, 4);
    for (let i = 0; i < howMany; i++) {
      const name = `Sim ${this.seed} ${i}`;
      // Each creator's payout mode (the platform's is manual), and sometimes their own hold and fee.
      const mode = this.random.weighted<PayoutMode>({ manual: 2, automatic: 1, scheduled: 1 });
      const schedule = mode === 'scheduled' ? this.random.pick(['weekly', 'weekly', 'monthly'] as const) : undefined;
      const holdingPeriodHours = this.random.pick([undefined, undefined, 0, 24, 120]);
      const feePercentage = this.random.pick([undefined, undefined, 0, 12.5, 30]);
      const body = {
        email: `sim-${this.seed}-${i}@example.test`,
        name,
        payoutMode: mode,
        ...(schedule && { payoutSchedule: schedule }),
        ...(holdingPeriodHours !== undefined && { holdingPeriodHours }),
        ...(feePercentage !== undefined && { feePercentage }),
      };
      let reply = await this.api('POST', '/api/creators', this.headers.platform, body);
      // Set-up is not under test: a Stripe call that outlasted the timeout on a loaded machine is tried again.
      for (let attempt = 2; attempt <= 3 && this.stripeTimedOut(reply); attempt++) reply = await this.api('POST', '/api/creators', this.headers.platform, body);
      if (reply.statusCode !== 201) throw new Error(`creating ${name}: ${reply.statusCode} ${reply.body}`);
      const { creator, user, onboardingUrl } = reply.json<{ creator: { id: string; stripeAccountId: string }; user: { id: string }; onboardingUrl: string }>();
      await fetch(onboardingUrl, { redirect: 'manual' });
      // Some creators whose bank payouts the service makes (automatic) have a bank account that refuses
      // them: Stripe's test account 000111111116 (no_account, final: the service reverses the transfer and
      // FAILS the payout) or 000111111113 (account_closed, retryable: new bank payouts with backoff, then the same).
      const failingBank = mode === 'automatic' && banks.chance(0.3) ? banks.pick(['no_account', 'account_closed'] as const) : undefined;
      if (failingBank) {
        const accountNumber = failingBank === 'no_account' ? '000111111116' : '000111111113';
        await this.customer.accounts.update(creator.stripeAccountId, { external_account: { object: 'bank_account', country: 'US', currency: 'usd', routing_number: '110000000', account_number: accountNumber } });
        this.count(`creators_with_failing_bank:${failingBank}`);
      }
      this.creators.push({ creatorId: creator.id, userId: user.id, mode, ...(schedule && { schedule }) });
      this.log.push(`creator ${creator.id}: ${mode}${schedule ? ` ${schedule}` : ''}, hold ${holdingPeriodHours ?? 'default'} h, fee ${feePercentage ?? 'default'} %${failingBank ? `, a bank account that refuses payouts (${failingBank})` : ''}`);
    }
    await this.idle();
  }

  private async idle() {
    await this.service.testSandbox!.sandbox.webhooks.idle();
  }

  async step(i: number) {
    const operation = this.random.weighted<Operation>(operations);
    const line = await this.timed(operation, () => this[operation](i));
    this.count(operation);
    this.log.push(`${i} ${operation}: ${line}`);
  }

  private amount(currency: Currency) {
    return this.random.int(5, 600) * 100 + this.random.pick([0, 0, 1, 33, 99]) + (currency === 'usd' ? 7 : 0);
  }

  private async apiPayment(i: number) {
    const creator = this.random.pick(this.creators);
    const currency = this.random.pick(currencies);
    const amount = this.amount(currency);
    const body = { creatorId: creator.creatorId, externalId: `sim-${this.seed}-${i}`, amount, currency, metadata: { simulation: String(this.seed) } };
    const reply = await this.api('POST', '/api/payments', this.headers.platform, body);
    if (reply.statusCode === 201) this.paidThroughApi[currency] += BigInt(amount);
    else this.violations.push(`step ${i}: POST /api/payments answered ${reply.statusCode}: ${reply.body.slice(0, 200)}`);
    // The host repeats the call (a lost answer): the same payment, nothing recorded twice.
    if (this.random.chance(0.2)) {
      const again = await this.api('POST', '/api/payments', this.headers.platform, body);
      if (again.statusCode !== 200) this.violations.push(`step ${i}: repeated POST /api/payments answered ${again.statusCode}`);
    }
    return `${amount} ${currency} for ${creator.creatorId} → ${reply.statusCode}`;
  }

  private async cardPayment(i: number) {
    const creator = this.random.pick(this.creators);
    const currency = this.random.pick(currencies);
    const amount = this.amount(currency);
    const paymentMethod = this.random.weighted({ pm_card_visa: 8, pm_card_createDispute: 2 });
    const intent = await this.customer.paymentIntents.create({ amount, currency, payment_method: paymentMethod, confirm: true, metadata: { creatorId: creator.creatorId, bookingId: `sim-${this.seed}-bk-${i}` } });
    return `${amount} ${currency} for ${creator.creatorId} with ${paymentMethod} → ${intent.id}`;
  }

  /**
   * A booking paid through Checkout: the host opens a session (`POST /api/checkout/sessions`, sometimes
   * twice: the same session), the customer pays it at the sandbox — or is declined, or walks away
   * (the session expires a day later) — and the webhooks record the payment.
   */
  private async checkout(i: number) {
    const creator = this.random.pick(this.creators);
    const currency = this.random.pick(currencies);
    const amount = this.amount(currency);
    const body = {
      creatorId: creator.creatorId,
      bookingId: `sim-${this.seed}-ck-${i}`,
      amount,
      currency,
      productName: `Session ${i} with ${creator.creatorId}`,
      successUrl: 'https://host.example/book/complete?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://host.example/book/cancel',
      customerEmail: `customer-${this.seed}-${i}@example.test`,
    };
    const reply = await this.api('POST', '/api/checkout/sessions', this.headers.platform, body);
    if (this.stripeTimedOut(reply)) return `${amount} ${currency} for ${creator.creatorId} → ${reply.statusCode} (Stripe timed out: the machine was slow)`;
    if (reply.statusCode !== 201) {
      this.violations.push(`step ${i}: POST /api/checkout/sessions answered ${reply.statusCode}: ${reply.body.slice(0, 200)}`);
      return `${amount} ${currency} for ${creator.creatorId} → ${reply.statusCode}`;
    }
    const { sessionId } = reply.json<{ sessionId: string }>();
    if (this.random.chance(0.2)) {
      const again = await this.api('POST', '/api/checkout/sessions', this.headers.platform, body);
      if (again.statusCode !== 201 || again.json<{ sessionId: string }>().sessionId !== sessionId) this.violations.push(`step ${i}: the same booking's session asked again answered ${again.statusCode} ${again.body.slice(0, 200)}`);
    }
    const paymentMethod = this.random.weighted({ pm_card_visa: 7, pm_card_createDispute: 1, pm_card_chargeDeclined: 1, none: 1 });
    if (paymentMethod === 'none') return `${amount} ${currency} for ${creator.creatorId}: ${sessionId} left unpaid`;
    const paid = await fetch(`${this.sandboxUrl}/_sandbox/checkout/${sessionId}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payment_method: paymentMethod }) });
    const session = (await paid.json()) as { payment_status?: string };
    if (paid.ok && session.payment_status === 'paid') this.paidSessions.push(sessionId);
    else if (paymentMethod !== 'pm_card_chargeDeclined') throw new Error(`paying ${sessionId} with ${paymentMethod}: ${paid.status} ${JSON.stringify(session).slice(0, 200)}`);
    return `${amount} ${currency} for ${creator.creatorId}: ${sessionId} with ${paymentMethod} → ${paid.status}`;
  }

  /** The host could not create a paid booking: `POST /api/checkout/sessions/:id/booking-failed`, sometimes twice (nothing refunded the second time). */
  private async bookingFailed(i: number) {
    if (this.paidSessions.length === 0) return 'no paid checkout';
    const sessionId = this.random.pick(this.paidSessions);
    const repeat = this.random.chance(0.3);
    const fault = await this.maybeFault('/v1/refunds', 0.3);
    const url = `/api/checkout/sessions/${sessionId}/booking-failed`;
    let reply = await this.api('POST', url, this.headers.platform, { reason: `simulation step ${i}` });
    await this.clearFaults();
    const answer = (r: typeof reply) => `${r.statusCode} ${r.statusCode === 200 ? `alreadyRefunded ${String(r.json<{ alreadyRefunded: boolean }>().alreadyRefunded)}` : errorCode(r.body)}`;
    let outcome = answer(reply);
    // The host repeats the call after an error, or anyway (a lost answer).
    if ((fault && reply.statusCode !== 200) || repeat) {
      const first = reply.statusCode;
      reply = await this.api('POST', url, this.headers.platform, { reason: `simulation step ${i}, again` });
      outcome += ` then ${answer(reply)}`;
      if (first === 200 && reply.statusCode === 200 && !reply.json<{ alreadyRefunded: boolean }>().alreadyRefunded) this.violations.push(`step ${i}: booking-failed of ${sessionId} refunded twice`);
    }
    return `${sessionId}${fault ? ` with ${fault}` : ''} → ${outcome}`;
  }

  private async advanceClock() {
    const seconds = this.random.pick([600, 3600, 86_400, 86_400, 3 * 86_400, 3 * 86_400, 8 * 86_400]);
    const reply = await this.api('POST', '/api/test/clock', {}, { advanceSeconds: seconds });
    if (reply.statusCode !== 200) throw new Error(`advancing the clock: ${reply.statusCode} ${reply.body}`);
    // The hourly release job usually runs after time has passed, and often the payout jobs the scheduler runs after it.
    const jobs = [`+${seconds}s`];
    if (this.random.chance(0.7)) jobs.push(await this.runJob('release-holds'));
    if (this.random.chance(0.5)) jobs.push(await this.runJob('automatic-payouts'));
    if (this.random.chance(0.3)) jobs.push(await this.runJob('scheduled-payouts'));
    return jobs.join('; ');
  }

  /** The hourly `automatic-payouts` job, sometimes meeting a Stripe fault on the transfer or the connected account's bank payout. */
  private async automaticPayouts() {
    const path = this.random.pick(['/v1/transfers', '/v1/payouts'] as const);
    const fault = await this.maybeFault(path, 0.3);
    const outcome = await this.runJob('automatic-payouts');
    await this.clearFaults();
    return `${fault ? `${fault} on ${path}; ` : ''}${outcome}`;
  }

  /** The clock moves to the next payout day (a scheduled creator's, else Monday) at 00:10 UTC; holds are released, then `scheduled-payouts` runs. */
  private async payoutDay() {
    const scheduled = this.creators.filter((c) => c.schedule);
    const schedule = scheduled.length > 0 ? this.random.pick(scheduled).schedule! : 'weekly';
    const now = this.service.clock.now();
    const target = schedulePeriod(schedule, now).end.getTime() + 10 * 60_000;
    const seconds = Math.ceil((target - now.getTime()) / 1000);
    const reply = await this.api('POST', '/api/test/clock', {}, { advanceSeconds: seconds });
    if (reply.statusCode !== 200) throw new Error(`advancing the clock: ${reply.statusCode} ${reply.body}`);
    const released = await this.runJob('release-holds');
    const fault = await this.maybeFault('/v1/transfers', 0.3);
    const outcome = await this.runJob('scheduled-payouts');
    await this.clearFaults();
    return `${schedule} payout day (+${seconds}s); ${released}; ${fault ? `${fault}; ` : ''}${outcome}`;
  }

  private async runJob(job: string) {
    const reply = await this.api('POST', `/api/cron/${job}`, this.headers.cron);
    return `${job} ${reply.statusCode} ${String(reply.json<{ message?: string }>().message ?? '')}`;
  }

  private async release() {
    return this.runJob('release-holds');
  }

  private async sweep() {
    return `${await this.runJob('retry-payouts')}; ${await this.runJob('retry-webhooks')}`;
  }

  private async creatorBalance(creatorId: string, kind: CreatorAccountKind, currency: Currency) {
    const account = creatorAccount(creatorId, kind, currency);
    return (await balances(this.service.database.db, [account])).get(account.code) ?? 0n;
  }

  private async request() {
    // Mostly a creator who has something available (as people do), sometimes anyone.
    const candidates: { creator: SimCreator; currency: Currency; available: number }[] = [];
    for (const creator of this.creators) {
      for (const currency of currencies) {
        const available = Number(await this.creatorBalance(creator.creatorId, 'available', currency));
        if (available > 0) candidates.push({ creator, currency, available });
      }
    }
    const { creator, currency, available } =
      candidates.length > 0 && this.random.chance(0.85)
        ? this.random.pick(candidates)
        : { creator: this.random.pick(this.creators), currency: this.random.pick(currencies), available: 0 };
    // Mostly what is there, sometimes a part, sometimes more (refused).
    const amount = this.random.weighted({ all: 3, part: 2, tooMuch: 1 });
    const value = amount === 'all' ? available : amount === 'part' ? Math.floor(available / 2) : available + 1000;
    if (value < 1) return `${creator.creatorId} has nothing in ${currency}`;
    const reply = await this.api('POST', '/api/payouts/request', await this.creatorHeaders(creator), { amount: value, currency });
    return `${value} ${currency} by ${creator.creatorId} → ${reply.statusCode} ${reply.statusCode === 201 ? reply.json<{ payout: { id: string; status: string } }>().payout.status : errorCode(reply.body)}`;
  }

  private async payoutIds(statuses: ('PENDING' | 'PENDING_APPROVAL' | 'PAID')[]) {
    const rows = await this.service.database.db.select({ id: payouts.id }).from(payouts).where(inArray(payouts.status, statuses)).orderBy(payouts.id);
    return rows.map((r) => r.id);
  }

  private async process(i: number) {
    const pending = await this.payoutIds(['PENDING']);
    if (pending.length === 0) return 'no PENDING payout';
    const payoutId = this.random.pick(pending);
    const fault = await this.maybeFault('/v1/transfers', 0.4);
    const reply = await this.api('POST', '/api/admin/payouts', this.headers.admin, { payoutId, notes: `simulation step ${i}` });
    await this.clearFaults();
    return `${payoutId}${fault ? ` with ${fault}` : ''} → ${reply.statusCode} ${reply.json<{ outcome?: string }>().outcome ?? errorCode(reply.body)}`;
  }

  /** A gateway whose `method` "kills the process" right before or right after Stripe acts (process-payout.test.ts's `crashingGateway`). */
  private crashingGateway(method: 'createTransfer' | 'createRefund', when: 'before' | 'after'): StripeGateway {
    const { stripe } = this.service;
    const gateway = Object.create(stripe) as StripeGateway;
    const real = (stripe[method] as (input: never) => Promise<unknown>).bind(stripe);
    Object.assign(gateway, {
      [method]: async (input: never) => {
        if (when === 'after') await real(input);
        throw new Error(`process killed ${when} ${method}`);
      },
    });
    return gateway;
  }

  /** The service dies while processing a payout, before or after Stripe makes the transfer; the retry sweep must finish it. */
  private async crash(i: number) {
    const pending = await this.payoutIds(['PENDING']);
    if (pending.length === 0) return 'no PENDING payout';
    const payoutId = this.random.pick(pending);
    const when = this.random.pick(['before', 'after'] as const);
    const { database, config, clock } = this.service;
    const outcome = await processPayout(database.db, { payoutId, actor: 'system:simulation', notes: `simulation step ${i}` }, { config, clock, stripe: this.crashingGateway('createTransfer', when) }).then(
      (result) => result.outcome,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    this.count(`crash:transfer:${when}`);
    return `${payoutId} killed ${when} the transfer → ${outcome}`;
  }

  /**
   * The service dies at a crash point (src/providers/crash-points, docs/simulation.md "Killed at
   * each step") during a step that reaches it: processing a payout, an automatic payout's bank
   * payout, a refund, a clawback, or handling a webhook (the 1st–3rd to arrive). In-process the
   * point throws, which stops that request where a SIGKILL would have (its open transaction rolls
   * back; nothing after it runs); the retry sweeps, Stripe's redeliveries and the settling repair
   * it. test/kill-points.test.ts kills a real process at each point.
   */
  private async kill(i: number) {
    const point = this.random.pick(crashPointNames);
    const time = point.startsWith('webhook.') ? this.random.int(1, 3) : 1;
    armCrashPoints(`${point}#${time}`);
    setCrashHandler((name: CrashPointName) => {
      this.crashFired = true;
      throw new Error(`simulated kill -9 at crash point ${name}`);
    });
    try {
      let during: string;
      if (point === 'payout.bank-payout-made' || (point.startsWith('payout.') && this.random.chance(0.3))) during = `automaticPayouts: ${await this.automaticPayouts()}`;
      else if (point.startsWith('payout.')) during = `process: ${await this.process(i)}`;
      else if (point.startsWith('refund.')) during = `refund: ${await this.refund(i)}`;
      else if (point.startsWith('clawback.')) during = `clawback: ${await this.clawback(i)}`;
      else {
        during = `cardPayment: ${await this.cardPayment(i)}`;
        await this.idle();
      }
      if (this.crashFired) this.count(`killed:${point}`);
      return `at ${point}#${time} (${this.crashFired ? 'killed' : 'not reached'}) during ${during}`;
    } finally {
      armCrashPoints('');
      setCrashHandler(undefined);
      this.crashFired = false;
    }
  }

  /** The service dies while refunding, before or after Stripe makes the refund; `charge.refunded` (or nothing) must leave the books right. */
  private async crashRefund(i: number) {
    const payment = await this.refundablePayment();
    if (!payment) return 'no refundable payment';
    const when = this.random.pick(['before', 'after'] as const);
    const { database, config, clock } = this.service;
    const amount = this.random.chance(0.5) ? undefined : BigInt(this.random.int(1, Math.max(1, Number(payment.amount - payment.refunded) - 1)));
    const outcome = await refundPayment(database.db, { paymentId: payment.id, amount, reason: `simulation step ${i}`, requestId: `sim-${this.seed}-${i}`, actor: 'system:simulation' }, { config, clock, stripe: this.crashingGateway('createRefund', when) }).then(
      (result) => result.result.outcome,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    this.count(`crash:refund:${when}`);
    return `${amount ?? 'full'} of ${payment.id} killed ${when} the refund → ${outcome}`;
  }

  /** Stripe sends an old event again, late (a redelivery after a lost acknowledgement). */
  private async redeliver() {
    const events = (await this.customer.events.list({ limit: 100 })).data.sort((a, b) => a.id.localeCompare(b.id));
    if (events.length === 0) return 'no event';
    const event = this.random.pick(events);
    await this.control('POST', `/_sandbox/events/${event.id}/redeliver`);
    return `${event.type} ${event.id}`;
  }

  private async review(i: number) {
    const waiting = await this.payoutIds(['PENDING_APPROVAL']);
    const pending = await this.payoutIds(['PENDING']);
    const action = this.random.weighted({ approve: 3, reject: 2 });
    const candidates = action === 'approve' ? waiting : [...waiting, ...pending];
    if (candidates.length === 0) return `nothing to ${action}`;
    const payoutId = this.random.pick(candidates);
    const fault = action === 'approve' ? await this.maybeFault('/v1/transfers', 0.3) : null;
    const reply = await this.api('POST', '/api/admin/payout-approval', this.headers.admin, { payoutId, action, notes: `simulation step ${i}` });
    await this.clearFaults();
    return `${action} ${payoutId}${fault ? ` with ${fault}` : ''} → ${reply.statusCode} ${reply.statusCode === 200 ? '' : errorCode(reply.body)}`;
  }

  /** A card payment that can still be refunded; half the time one already paid out, if any (the refund then makes a debt). */
  private async refundablePayment() {
    const rows = await this.service.database.db
      .select({ id: payments.id, amount: payments.amount, refunded: payments.refundedAmount, status: payments.status })
      .from(payments)
      .where(and(isNotNull(payments.stripePaymentIntentId), notInArray(payments.status, ['CANCELLED', 'DISPUTED', 'REFUNDED'])))
      .orderBy(payments.id);
    const paidOut = rows.filter((r) => r.status === 'PAID' || r.status === 'PROCESSING');
    const preferPaidOut = this.random.chance(0.5);
    if (preferPaidOut && paidOut.length > 0) return this.random.pick(paidOut);
    return rows.length === 0 ? undefined : this.random.pick(rows);
  }

  private async refund(i: number) {
    const payment = await this.refundablePayment();
    if (!payment) return 'no refundable payment';
    const left = Number(payment.amount - payment.refunded);
    const full = this.random.chance(0.4) || left < 2;
    const body = { reason: `simulation step ${i}`, requestId: `sim-${this.seed}-${i}`, ...(full ? {} : { amount: this.random.int(1, left - 1) }) };
    const fault = await this.maybeFault('/v1/refunds', 0.3);
    let reply = await this.api('POST', `/api/admin/payments/${payment.id}/refund`, this.headers.admin, body);
    await this.clearFaults();
    let outcome = `${reply.statusCode} ${reply.statusCode === 200 ? '' : errorCode(reply.body)}`;
    // The admin sees an error and repeats the same request (the same requestId: one refund at Stripe).
    if (fault && reply.statusCode !== 200) {
      reply = await this.api('POST', `/api/admin/payments/${payment.id}/refund`, this.headers.admin, body);
      outcome += ` then ${reply.statusCode} ${reply.statusCode === 200 ? '' : errorCode(reply.body)}`;
    }
    return `${full ? 'full' : `${body.amount ?? ''}`} of ${payment.id}${fault ? ` with ${fault}` : ''} → ${outcome}`;
  }

  private async closeDispute() {
    const open = (await this.customer.disputes.list({ limit: 100 })).data.filter((d) => d.status === 'needs_response' || d.status === 'warning_needs_response');
    if (open.length === 0) return 'no open dispute';
    const dispute = this.random.pick(open.sort((a, b) => a.id.localeCompare(b.id)));
    const outcome = this.random.pick(['winning_evidence', 'losing_evidence'] as const);
    await this.customer.disputes.update(dispute.id, { evidence: { uncategorized_text: outcome } });
    return `${dispute.id} with ${outcome}`;
  }

  private async clawback(i: number) {
    for (const creator of this.creators) {
      for (const currency of currencies) {
        if ((await this.creatorBalance(creator.creatorId, 'receivable', currency)) === 0n) continue;
        const fault = await this.maybeFault('/v1/transfers/*', 0.3);
        const reply = await this.api('POST', `/api/admin/creators/${creator.creatorId}/clawback`, this.headers.admin, { reason: `simulation step ${i}` });
        await this.clearFaults();
        return `${creator.creatorId} (${currency} debt)${fault ? ` with ${fault}` : ''} → ${reply.statusCode} ${reply.statusCode === 200 ? '' : errorCode(reply.body)}`;
      }
    }
    return 'no creator in debt';
  }

  /**
   * No more faults; every webhook delivered; retries run until every payout in flight has landed
   * (a bank payout of an automatic payout is paid a day after it was made: then the clock moves a day).
   */
  async settle() {
    await this.clearFaults();
    // Enough rounds for a bank payout refused with a retryable code three times (each retry: a round to make it, one to see it fail).
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      await this.idle();
      const atTheBank = await this.service.database.db.select({ id: payouts.id }).from(payouts).where(and(eq(payouts.status, 'PROCESSING'), isNotNull(payouts.stripeBankPayoutId)));
      await this.api('POST', '/api/test/clock', {}, { advanceSeconds: atTheBank.length > 0 ? 86_400 + 3600 : 3600 });
      await this.runJob('retry-payouts');
      await this.runJob('retry-webhooks');
      await this.runJob('reconcile-payouts');
      await this.idle();
      const inFlight = await this.service.database.db.select({ id: payouts.id }).from(payouts).where(eq(payouts.status, 'PROCESSING'));
      const failedEvents = await this.service.database.db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.status, ['failed', 'processing']));
      if (inFlight.length === 0 && failedEvents.length === 0) return;
      if (round === rounds - 1) this.violations.push(`not settled: ${inFlight.length} payouts PROCESSING (${inFlight.map((p) => p.id).join(', ')}), ${failedEvents.length} webhook events failed or processing`);
    }
  }

  async check() {
    const { database, config, clock, stripe } = this.service;
    const db = database.db;
    // What the history amounted to (the figures of docs/simulation.md).
    for (const row of await db.select({ status: payouts.status, origin: payouts.origin }).from(payouts)) {
      this.count(`payout:${row.status}`);
      this.count(`payout:${row.origin}:${row.status}`);
    }
    for (const row of await db.select({ status: paymentDisputes.status }).from(paymentDisputes)) this.count(`dispute:${row.status}`);
    this.count('refunds_booked', (await db.select({ id: paymentRefunds.id }).from(paymentRefunds)).length);
    this.count('clawbacks_booked', (await db.select({ id: creatorClawbacks.id }).from(creatorClawbacks)).length);
    const attempts = this.service.testSandbox!.sandbox.webhooks.attempts();
    this.count('webhook_attempts', attempts.length);
    this.count('webhook_attempts_dropped', attempts.filter((a) => a.error?.startsWith('dropped')).length);
    for (const c of (await verifyLedger(db)).checks) if (!c.ok) this.violations.push(`verifyLedger: ${c.name}: ${JSON.stringify(c).slice(0, 300)}`);
    for (const c of (await verifyPayouts(db)).checks) if (!c.ok) this.violations.push(`verifyPayouts: ${c.name}: ${JSON.stringify(c).slice(0, 300)}`);

    // A payout the service pays out to the bank itself (automatic mode) is PAID only once that bank payout is paid at Stripe, for its amount.
    const viaBank = await db.select().from(payouts).where(eq(payouts.awaitsBankPayout, true));
    for (const payout of viaBank) {
      if (payout.stripeBankPayoutId === null) {
        if (payout.status === 'PAID') this.violations.push(`payout ${payout.id} is PAID without its bank payout`);
        continue;
      }
      const bank = await this.customer.payouts.retrieve(payout.stripeBankPayoutId, {}, { stripeAccount: payout.stripeAccountId! });
      const paid = bank.status === 'paid' && BigInt(bank.amount) === payout.amount && bank.currency === payout.currency;
      if ((payout.status === 'PAID') !== paid) this.violations.push(`payout ${payout.id} is ${payout.status}, its bank payout ${bank.id} ${bank.status} for ${bank.amount} ${bank.currency}`);
    }
    this.count('bank_payouts', viaBank.filter((p) => p.stripeBankPayoutId !== null).length);

    // Every queued notification delivered (the server's worker, or the job now).
    await this.runJob('deliver-notifications');
    const undelivered = await db.select({ id: outboxMessages.id, topic: outboxMessages.topic, status: outboxMessages.status, lastError: outboxMessages.lastError }).from(outboxMessages).where(inArray(outboxMessages.status, ['pending', 'failed']));
    for (const message of undelivered) this.violations.push(`notification ${message.id} (${message.topic}) ${message.status}: ${message.lastError ?? ''}`);

    const run = await reconcileWithStripe(db, { config, clock, stripe: this.service.patientStripe ?? stripe }, { since: new Date(this.started.getTime() - 60_000), until: new Date(clock.now().getTime() + 1000), actor: 'system:simulation' });
    const differences = await db.select().from(reconciliationItems).where(and(eq(reconciliationItems.runId, run.id), notInArray(reconciliationItems.class, ['matched', 'expected'])));
    for (const item of differences) if (!(item.stripeId && this.fundingCharges.has(item.stripeId))) this.violations.push(`reconciliation: ${item.class}: ${item.summary}`);

    // Stripe's side, read as an outsider: our customers' charges (creatorId in the metadata), their refunds, lost disputes, transfers.
    const charges: Stripe.Charge[] = [];
    for await (const charge of this.customer.charges.list({ limit: 100 })) if (charge.metadata?.creatorId && charge.status === 'succeeded') charges.push(charge);
    const lostDisputes: Stripe.Dispute[] = [];
    for await (const dispute of this.customer.disputes.list({ limit: 100 })) if (dispute.status === 'lost') lostDisputes.push(dispute);
    const chargeIds = new Set(charges.map((c) => c.id));

    for (const currency of currencies) {
      const platform = (kind: Parameters<typeof platformAccount>[0]) => platformAccount(kind, currency);
      const creatorKinds = Object.keys(creatorAccountKinds) as CreatorAccountKind[];
      const accounts = [...['fees', 'refunds', 'dispute_losses', 'transfers', 'stripe_balance'].map((k) => platform(k as Parameters<typeof platformAccount>[0])), ...this.creators.flatMap((cr) => creatorKinds.map((k) => creatorAccount(cr.creatorId, k, currency)))];
      const ledger = await balances(db, accounts);
      const get = (account: { code: string }) => ledger.get(account.code) ?? 0n;
      const sumCreators = (kind: CreatorAccountKind) => this.creators.reduce((sum, cr) => sum + get(creatorAccount(cr.creatorId, kind, currency)), 0n);

      const inCurrency = charges.filter((c) => c.currency === currency);
      const paidIn = this.paidThroughApi[currency] + inCurrency.reduce((sum, c) => sum + BigInt(c.amount), 0n);
      const refunded = inCurrency.reduce((sum, c) => sum + BigInt(c.amount_refunded), 0n);
      const lost = lostDisputes.filter((d) => d.currency === currency && chargeIds.has(typeof d.charge === 'string' ? d.charge : d.charge.id));
      const lostAmount = lost.reduce((sum, d) => sum + BigInt(d.amount), 0n);
      // DISPUTE_FEE_PAYER=creator: each lost dispute's fee at Stripe was added to its creator's debt.
      const feesCharged = config.disputeFeePayer !== 'creator' ? 0n : lost.reduce((sum, d) => sum + d.balance_transactions.filter((t) => t.currency === currency).reduce((fees, t) => fees + BigInt(t.fee), 0n), 0n);
      if (feesCharged > 0n) this.count('dispute_fees_charged_to_creators');
      const creatorsHold = sumCreators('held') + sumCreators('available') + sumCreators('reserved') + sumCreators('frozen') + sumCreators('paid') - sumCreators('receivable');
      const fees = get(platform('fees'));
      // What customers paid = fees + what went back to them (refunds, lost disputes) + what creators hold, have available, reserved, frozen, were paid − their debt
      // (+ the dispute fees charged to them, which that debt includes and no customer paid).
      if (paidIn !== fees + refunded + lostAmount + creatorsHold + feesCharged) {
        this.violations.push(`money not conserved in ${currency}: customers paid ${paidIn}, fees ${fees} + refunds ${refunded} + disputes lost ${lostAmount} + creators ${creatorsHold}${feesCharged > 0n ? ` + dispute fees charged to creators ${feesCharged}` : ''} = ${fees + refunded + lostAmount + creatorsHold + feesCharged}`);
      }
      if (get(platform('refunds')) !== 0n) this.violations.push(`platform refunds ${currency} is ${get(platform('refunds'))}, not 0`);

      let sent = 0n;
      for await (const transfer of this.customer.transfers.list({ limit: 100 })) if (transfer.currency === currency) sent += BigInt(transfer.amount - transfer.amount_reversed);
      const transfers = get(platform('transfers'));
      if (sent !== transfers) this.violations.push(`the sandbox transferred ${sent} ${currency} net of reversals, the ledger's transfers say ${transfers}`);
      const paidRows = await db.select({ amount: payouts.amount }).from(payouts).where(and(eq(payouts.status, 'PAID'), eq(payouts.currency, currency)));
      const clawedBack = await db.select({ amount: creatorClawbacks.amount }).from(creatorClawbacks).where(eq(creatorClawbacks.currency, currency));
      const paidOut = paidRows.reduce((sum, r) => sum + r.amount, 0n) - clawedBack.reduce((sum, r) => sum + r.amount, 0n);
      if (paidOut !== transfers) this.violations.push(`PAID payouts − clawbacks = ${paidOut} ${currency}, the ledger's transfers say ${transfers}`);
      if (sumCreators('paid') !== transfers) this.violations.push(`creators' paid ${sumCreators('paid')} ${currency} ≠ transfers ${transfers}`);
    }
  }
}
