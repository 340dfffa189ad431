import pg from 'pg';
import Stripe from 'stripe';
import { readDataDirOwner } from '../../src/db/embedded/data-dir-lock.js';
import { DEFAULT_PAYOUT_LEASE_SECONDS } from '../../src/services/payouts/process-payout.js';
import { waitFor } from '../wait-for.js';

export interface Reply {
  /** 0: no answer (the connection was cut: the process died while it held the request). */
  status: number;
  body: Record<string, unknown> & { error?: { code?: string; message?: string } };
}

export interface Creator {
  id: string;
  userId: string;
  stripeAccountId: string;
}

export interface Payment {
  id: string;
  intentId: string;
  creatorAmount: number;
}

/** Where the service's database is: a PostgreSQL URL, or the data directory of its embedded PGlite. */
export type DatabaseLocation = { url: string } | { dataDir: string };

/**
 * Drives the money path of a running `payouts serve` from outside, as its users do — the host
 * platform (a platform key), creators (their tokens), an admin (an admin key), Stripe's customers
 * and Dashboard (the sandbox), a cron service — and reads its database to check the end state.
 *
 * The database is read through a connection of its own per query: on PGlite through the running
 * server's socket (its port is in the data directory's lock file, and changes at each restart),
 * so nothing here holds the data directory or a connection that a kill would break.
 */
export class MoneyPath {
  readonly stripe: Stripe;
  adminKey = '';
  platformKey = '';
  /** How far the test has moved the service clock (and the sandbox's) in all: every restart starts at wall time and is moved on by this much again. */
  private clockOffsetSeconds = 0;
  private sequence = 0;

  constructor(
    readonly env: { serviceUrl: string; sandboxUrl: string; stripeSecretKey: string; cronSecret: string; database: DatabaseLocation; run: string },
  ) {
    const sandbox = new URL(env.sandboxUrl);
    this.stripe = new Stripe(env.stripeSecretKey, { host: sandbox.hostname, port: Number(sandbox.port), protocol: 'http', maxNetworkRetries: 2 });
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────

  async call(method: 'GET' | 'POST', path: string, bearer: string, body?: unknown): Promise<Reply> {
    try {
      const response = await fetch(`${this.env.serviceUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Reply['body']) };
    } catch (error) {
      return { status: 0, body: { error: { code: 'NO_ANSWER', message: error instanceof Error ? error.message : String(error) } } };
    }
  }

  /** A call that must answer `status`; its body. */
  async expect<T = Record<string, unknown>>(status: number, method: 'GET' | 'POST', path: string, bearer: string, body?: unknown): Promise<T> {
    const reply = await this.call(method, path, bearer, body);
    if (reply.status !== status) throw new Error(`${method} ${path} answered ${reply.status}, expected ${status}: ${JSON.stringify(reply.body)}`);
    return reply.body as T;
  }

  async sweep(job: string): Promise<Record<string, unknown>> {
    return this.expect(200, 'POST', `/api/cron/${job}`, this.env.cronSecret);
  }

  // ── the database ────────────────────────────────────────────────────────────────────────────

  async sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    const location = this.env.database;
    let connectionString: string;
    if ('url' in location) connectionString = location.url;
    else {
      const owner = readDataDirOwner(location.dataDir);
      if (!owner?.port) throw new Error(`no running server owns ${location.dataDir}: its database cannot be read now`);
      connectionString = `postgres://postgres@127.0.0.1:${owner.port}/postgres`;
    }
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  // ── the clock ───────────────────────────────────────────────────────────────────────────────

  /**
   * A restarted service's clock starts at wall time again, behind where the last one had been
   * moved: move it on by everything the test moved before, so that its time never goes back.
   */
  async restoreClock(): Promise<void> {
    if (this.clockOffsetSeconds > 0) await this.expect(200, 'POST', '/api/test/clock', this.adminKey, { advanceSeconds: this.clockOffsetSeconds });
  }

  /**
   * Move the service's clock and the sandbox's past a payout's lease (what a crashed claim holds):
   * the retry sweep then repairs at once instead of two minutes later.
   */
  async expireLeases(): Promise<void> {
    const seconds = DEFAULT_PAYOUT_LEASE_SECONDS + 5;
    await this.expect(200, 'POST', '/api/test/clock', this.adminKey, { advanceSeconds: seconds });
    const sandbox = await fetch(`${this.env.sandboxUrl}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });
    if (!sandbox.ok) throw new Error(`the sandbox clock did not move: ${sandbox.status}`);
    this.clockOffsetSeconds += seconds;
  }

  // ── Stripe's side ───────────────────────────────────────────────────────────────────────────

  /**
   * Every webhook the sandbox has tried delivered, and nothing new for a moment: each event has
   * a successful attempt at each endpoint it went to (the sandbox retries the others by itself).
   */
  async webhooksSettled(timeoutMs = 60_000): Promise<void> {
    let last = -1;
    await waitFor(
      'the sandbox to have delivered every webhook',
      async () => {
        const response = await fetch(`${this.env.sandboxUrl}/_sandbox/webhooks/deliveries`);
        const { data } = (await response.json()) as { data: Array<{ event: string; endpoint: string; succeeded: boolean }> };
        const pending = new Set<string>();
        for (const attempt of data) if (!attempt.succeeded) pending.add(`${attempt.event} ${attempt.endpoint}`);
        for (const attempt of data) if (attempt.succeeded) pending.delete(`${attempt.event} ${attempt.endpoint}`);
        const quiet = pending.size === 0 && data.length === last;
        last = data.length;
        return quiet;
      },
      { timeoutMs, intervalMs: 400 },
    );
  }

  /** The sandbox's attempts to deliver the events about `objectId` (or whose object's payment intent it is), oldest first. */
  async deliveriesOf(objectId: string): Promise<Array<{ event: string; type: string; attempt: number; status: number | null; succeeded: boolean }>> {
    const events: string[] = [];
    for await (const event of this.stripe.events.list({ limit: 100 })) {
      const object = event.data.object as { id?: string; payment_intent?: string; refunds?: { data?: Array<{ id: string }> } };
      if (object.id === objectId || object.payment_intent === objectId || object.refunds?.data?.some((refund) => refund.id === objectId)) events.push(event.id);
    }
    const response = await fetch(`${this.env.sandboxUrl}/_sandbox/webhooks/deliveries`);
    const { data } = (await response.json()) as { data: Array<{ event: string; type: string; attempt: number; status: number | null; succeeded: boolean }> };
    return data.filter((attempt) => events.includes(attempt.event));
  }

  /** Every transfer at Stripe made for this payout (by its metadata: whatever its group, a second one would show). */
  async transfersOf(payoutId: string): Promise<Stripe.Transfer[]> {
    const transfers: Stripe.Transfer[] = [];
    for await (const transfer of this.stripe.transfers.list({ limit: 100 })) if (transfer.metadata?.payoutId === payoutId) transfers.push(transfer);
    return transfers;
  }

  async bankPayoutsOf(creator: Creator, payoutId: string): Promise<Stripe.Payout[]> {
    const list = await this.stripe.payouts.list({ limit: 100 }, { stripeAccount: creator.stripeAccountId });
    return list.data.filter((payout) => payout.metadata?.payoutId === payoutId);
  }

  async refundsOf(payment: Payment): Promise<Stripe.Refund[]> {
    return (await this.stripe.refunds.list({ payment_intent: payment.intentId, limit: 100 })).data;
  }

  // ── the money path ──────────────────────────────────────────────────────────────────────────

  /** The host platform creates a creator; the creator finishes Stripe's onboarding; `account.updated` enables payouts. */
  async newCreator(payoutMode: 'manual' | 'automatic'): Promise<Creator> {
    const n = ++this.sequence;
    const created = await this.expect<{ creator: { id: string; stripeAccountId: string }; user: { id: string } }>(201, 'POST', '/api/creators', this.platformKey, {
      email: `creator-${n}-${this.env.run}@kill.example`,
      name: `Creator ${n}`,
      payoutMode,
    });
    const creator = { id: created.creator.id, userId: created.user.id, stripeAccountId: created.creator.stripeAccountId };
    const onboarded = await fetch(`${this.env.sandboxUrl}/_sandbox/accounts/${creator.stripeAccountId}/onboard`, { method: 'POST' });
    if (!onboarded.ok) throw new Error(`onboarding ${creator.stripeAccountId} answered ${onboarded.status}`);
    await waitFor(`payouts enabled for ${creator.id}`, async () => (await this.sql('select 1 from creators where id = $1 and payouts_enabled', [creator.id])).length === 1, { timeoutMs: 30_000, intervalMs: 200 });
    return creator;
  }

  /** A customer pays the creator at Stripe (no wait: `payment_intent.succeeded` records it). */
  async chargeCustomer(creator: Creator, amount: number): Promise<string> {
    const n = ++this.sequence;
    const intent = await this.stripe.paymentIntents.create(
      { amount, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true, metadata: { creatorId: creator.id, bookingId: `bk_${this.env.run}_${n}` } },
      { idempotencyKey: `kill-${this.env.run}-${n}` },
    );
    return intent.id;
  }

  /** The payment of this intent once recorded (its webhook handled). */
  async recordedPayment(intentId: string): Promise<Payment> {
    const row = await waitFor(
      `the payment of ${intentId}`,
      async () => (await this.sql<{ id: string; creator_amount: string }>('select id, creator_amount::text from payments where stripe_payment_intent_id = $1', [intentId]))[0],
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    return { id: row.id, intentId, creatorAmount: Number(row.creator_amount) };
  }

  /** A payment recorded and released (PAYOUT_HOLDING_HOURS=0: the release sweep makes it available at once). */
  async earn(creator: Creator, amount: number): Promise<Payment> {
    const payment = await this.recordedPayment(await this.chargeCustomer(creator, amount));
    await this.release(payment);
    return payment;
  }

  async release(payment: Payment): Promise<void> {
    await this.sweep('release-holds');
    const [row] = await this.sql<{ status: string }>('select status from payments where id = $1', [payment.id]);
    if (row?.status !== 'READY') throw new Error(`payment ${payment.id} is ${row?.status} after the release sweep, not READY`);
  }

  async creatorToken(creator: Creator): Promise<string> {
    const { token } = await this.expect<{ token: string }>(200, 'POST', '/api/auth/tokens', this.platformKey, { userId: creator.userId });
    return token;
  }

  /** The creator asks for `amount`; a PENDING payout waiting for an admin. */
  async requestPayout(creator: Creator, amount: number): Promise<string> {
    const { payout } = await this.expect<{ payout: { id: string; status: string } }>(201, 'POST', '/api/payouts/request', await this.creatorToken(creator), { amount, currency: 'eur' });
    if (payout.status !== 'PENDING') throw new Error(`payout ${payout.id} is ${payout.status}, not PENDING`);
    return payout.id;
  }

  async payout(payoutId: string): Promise<{ status: string; stripe_transfer_id: string | null; stripe_bank_payout_id: string | null; amount: string }> {
    const [row] = await this.sql<{ status: string; stripe_transfer_id: string | null; stripe_bank_payout_id: string | null; amount: string }>(
      'select status, stripe_transfer_id, stripe_bank_payout_id, amount::text from payouts where id = $1',
      [payoutId],
    );
    if (!row) throw new Error(`no payout ${payoutId}`);
    return row;
  }

  /** The payout of an automatic creator's payment, once the automatic sweep made it. */
  async automaticPayoutOf(payment: Payment): Promise<string | undefined> {
    const [row] = await this.sql<{ payout_id: string }>('select payout_id from payout_payments where payment_id = $1', [payment.id]);
    return row?.payout_id;
  }
}
