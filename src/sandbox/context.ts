import type { SandboxClock } from './clock.js';
import type { SandboxControls } from './controls.js';
import type { ObjectStore } from './state.js';
import type { WebhookDispatcher } from './webhooks/delivery.js';
import type { IdempotencyStore } from './wire/idempotency.js';

/** Money-flow timings and fees; all in sandbox seconds / minor units. */
export interface SandboxSettings {
  /** Delay before a card payment's funds become available (Stripe test mode: about 2 days). */
  fundsAvailabilityDelaySeconds: number;
  /** How long a payout stays `pending` before it goes `in_transit`. */
  payoutInTransitAfterSeconds: number;
  /** Time from payout creation to `arrival_date` (when it turns `paid` or `failed`). */
  payoutArrivalSeconds: number;
  /** Processing fee on card charges: `round(amount × percentBps / 10000) + fixed`. Zero by default. */
  processingFee: { percentBps: number; fixed: number };
  /** Fee debited when a dispute opens (and returned if won), as in Stripe (15.00). */
  disputeFee: number;
  defaultCurrency: string;
  defaultCountry: string;
}

export const DEFAULT_SETTINGS: SandboxSettings = {
  fundsAvailabilityDelaySeconds: 2 * 86_400,
  payoutInTransitAfterSeconds: 60,
  payoutArrivalSeconds: 86_400,
  processingFee: { percentBps: 0, fixed: 0 },
  disputeFee: 1500,
  defaultCurrency: 'usd',
  defaultCountry: 'US',
};

/** The API version the sandbox's objects follow (the one of the bundled OpenAPI spec). */
export const SANDBOX_API_VERSION = '2024-04-10';

/** Everything a resource handler may touch; one per running sandbox. */
export interface SandboxContext {
  readonly store: ObjectStore;
  readonly clock: SandboxClock;
  readonly settings: SandboxSettings;
  readonly webhooks: WebhookDispatcher;
  readonly idempotency: IdempotencyStore;
  readonly controls: SandboxControls;
  /** The platform account (the owner of the API key). */
  platformAccountId: string;
  /** `http://host:port`, known once the server listens. */
  baseUrl: string;
}
