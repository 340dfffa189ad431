import type { EventObject } from '../event-log.js';
import type { ObjectStore, StripeObject } from '../state.js';
import { signWebhookPayload } from './signature.js';

export interface WebhookDeliveryOptions {
  /** Attempts per event and endpoint, the first included (Stripe retries for 3 days; the sandbox is quicker). */
  maxAttempts: number;
  /** Delay before the first retry; doubled for each further retry up to `maxRetryDelayMs`. */
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** An endpoint that has not answered within this time counts as failed. */
  timeoutMs: number;
  /** Probability (0–1) that a delivery is sent twice, as Stripe occasionally does. */
  duplicateRate: number;
  /** Deliver events out of order: buffer them for `reorderWindowMs`, then send the batch in reverse. */
  outOfOrder: boolean;
  reorderWindowMs: number;
  /**
   * Probability (0–1) that an attempt is lost in the network: the endpoint never sees it, and the
   * sandbox counts it as a failed delivery and retries it with its backoff, as Stripe would.
   */
  dropRate: number;
  /** Each delivery's first attempt waits a random 0…`maxDelayMs` (a slow network: events overtake one another). */
  maxDelayMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookDeliveryOptions = {
  maxAttempts: 8,
  initialRetryDelayMs: 1000,
  maxRetryDelayMs: 60_000,
  timeoutMs: 10_000,
  duplicateRate: 0,
  outOfOrder: false,
  reorderWindowMs: 250,
  dropRate: 0,
  maxDelayMs: 0,
};

/** One HTTP attempt to deliver an event to an endpoint (`GET /_sandbox/webhooks/deliveries`). */
export interface DeliveryAttempt {
  event: string;
  type: string;
  endpoint: string;
  url: string;
  attempt: number;
  /** HTTP status of the answer, or null when there was none (refused, timed out). */
  status: number | null;
  error: string | null;
  succeeded: boolean;
  at: string;
}

interface DeliveryJob {
  event: EventObject;
  endpointId: string;
  attempt: number;
}

export interface WebhookEndpointObject extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
}

/**
 * Sends events to the registered webhook endpoints: signed like Stripe, retried with
 * exponential backoff on a non-2xx answer, a refused connection or a timeout, and — when
 * asked — duplicated, delivered out of order, delayed, or lost in the network (then retried).
 * Delivery is asynchronous and never blocks the API request that caused the event.
 */
export class WebhookDispatcher {
  private options: WebhookDeliveryOptions;
  private readonly initialOptions: WebhookDeliveryOptions;
  private readonly log: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private reorderBuffer: DeliveryJob[] = [];
  private reorderTimer: NodeJS.Timeout | undefined;
  private pending = 0;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly platformAccount: () => string,
    options: Partial<WebhookDeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    this.initialOptions = { ...this.options };
  }

  configure(options: Partial<WebhookDeliveryOptions>): WebhookDeliveryOptions {
    this.options = { ...this.options, ...options };
    return { ...this.options };
  }

  currentOptions(): WebhookDeliveryOptions {
    return { ...this.options };
  }

  attempts(): DeliveryAttempt[] {
    return [...this.log];
  }

  /** Queues the event for every enabled endpoint that subscribes to it. */
  enqueue(event: EventObject): void {
    if (this.closed) return;
    const endpoints = this.matchingEndpoints(event);
    event.pending_webhooks = endpoints.length;
    for (const endpoint of endpoints) {
      this.scheduleFirst({ event, endpointId: endpoint.id, attempt: 1 });
      if (this.options.duplicateRate > 0 && Math.random() < this.options.duplicateRate) {
        this.scheduleFirst({ event, endpointId: endpoint.id, attempt: 1 });
      }
    }
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Drops queued deliveries and retries and the delivery log, and restores the options the
   * sandbox was started with (sandbox reset).
   */
  reset(): void {
    this.options = { ...this.initialOptions };
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.reorderTimer) clearTimeout(this.reorderTimer);
    this.reorderTimer = undefined;
    this.pending -= this.reorderBuffer.length;
    this.reorderBuffer = [];
    this.log.length = 0;
    this.notifyIfIdle();
  }

  close(): void {
    this.closed = true;
    this.reset();
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private matchingEndpoints(event: EventObject): WebhookEndpointObject[] {
    const platform = this.platformAccount();
    const eventOwner = event.account ?? platform;
    return this.store.list<WebhookEndpointObject>('webhook_endpoint', null).filter((endpoint) => {
      if (endpoint.status !== 'enabled') return false;
      if (!endpoint.enabled_events.includes('*') && !endpoint.enabled_events.includes(event.type)) return false;
      const owner = this.store.ownerOf(endpoint.id);
      // Connect endpoints of the platform receive its connected accounts' events; the others
      // receive the events of the account that created them.
      return endpoint.connect === true ? owner === platform && event.account !== undefined : owner === eventOwner;
    }).reverse();
  }

  /**
   * A delivery's first attempt, after a random 0…`maxDelayMs` when delays are on. The wait is a
   * timer like a retry's, so `idle()` waits for it and `reset()` drops it.
   */
  private scheduleFirst(job: DeliveryJob): void {
    const delay = this.options.maxDelayMs > 0 ? Math.floor(Math.random() * (this.options.maxDelayMs + 1)) : 0;
    if (delay === 0) return this.schedule(job);
    this.later(() => this.schedule(job), delay);
  }

  private later(action: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Every scheduled job counts in `pending` until its attempt has finished. */
  private schedule(job: DeliveryJob): void {
    this.pending++;
    if (this.options.outOfOrder && job.attempt === 1) {
      this.reorderBuffer.push(job);
      this.reorderTimer ??= setTimeout(() => {
        this.reorderTimer = undefined;
        const batch = this.reorderBuffer.reverse();
        this.reorderBuffer = [];
        for (const buffered of batch) void this.run(buffered);
      }, this.options.reorderWindowMs);
      return;
    }
    setImmediate(() => void this.run(job));
  }

  private async run(job: DeliveryJob): Promise<void> {
    try {
      await this.attempt(job);
    } finally {
      this.pending--;
      this.notifyIfIdle();
    }
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    if (this.closed) return;
    const endpoint = this.store.find(job.endpointId) as WebhookEndpointObject | undefined;
    if (!endpoint || endpoint.status !== 'enabled') return;
    const secret = this.store.includableFields(endpoint.id).secret;
    const payload = JSON.stringify(job.event, null, 2);
    const signature = signWebhookPayload(payload, typeof secret === 'string' ? secret : '', Math.floor(Date.now() / 1000));
    // Lost on the way (dropRate): the endpoint never sees it, and to the sender it is a delivery without an answer.
    const dropped = this.options.dropRate > 0 && Math.random() < this.options.dropRate;
    const { status, error } = dropped ? { status: null, error: 'dropped: lost in the network (sandbox dropRate)' } : await this.post(endpoint.url, payload, signature);
    const succeeded = status !== null && status >= 200 && status < 300;
    this.log.push({
      event: job.event.id,
      type: job.event.type,
      endpoint: endpoint.id,
      url: endpoint.url,
      attempt: job.attempt,
      status,
      error,
      succeeded,
      at: new Date().toISOString(),
    });
    if (succeeded) {
      job.event.pending_webhooks = Math.max(0, job.event.pending_webhooks - 1);
      return;
    }
    if (job.attempt >= this.options.maxAttempts || this.closed) return;
    const delay = Math.min(this.options.initialRetryDelayMs * 2 ** (job.attempt - 1), this.options.maxRetryDelayMs);
    this.later(() => this.schedule({ ...job, attempt: job.attempt + 1 }), delay);
  }

  /** One HTTP POST of the payload: the endpoint's status, or why there was none. */
  private async post(url: string, payload: string, signature: string): Promise<{ status: number | null; error: string | null }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Cache-Control': 'no-cache',
        },
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, error: null };
    } catch (caught) {
      return { status: null, error: caught instanceof Error ? (caught.cause instanceof Error ? caught.cause.message : caught.message) : String(caught) };
    }
  }

  private isIdle(): boolean {
    return this.pending === 0 && this.reorderBuffer.length === 0 && this.timers.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
