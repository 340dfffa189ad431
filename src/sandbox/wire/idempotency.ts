import { createHash } from 'node:crypto';
import type { SandboxClock } from '../clock.js';
import { StripeApiError } from './stripe-error.js';

/** What a first request produced, replayed byte-for-byte to later requests with the same key. */
export interface SavedResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
  requestId: string;
}

interface KeyRecord {
  fingerprint: string;
  savedAt: number;
  response: SavedResponse | undefined; // undefined while the first request is executing
}

export type IdempotencyDecision =
  | { kind: 'execute'; save(response: SavedResponse): void; release(): void }
  | { kind: 'replay'; response: SavedResponse };

/** Stripe keeps idempotency keys for at least 24 hours. */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;

/**
 * Stripe's `Idempotency-Key` semantics for POST requests, per account:
 * - first use: the request runs and its response (success or error) is saved;
 * - same key, same method, path and parameters: the saved response is replayed
 *   (`Idempotent-Replayed: true`);
 * - same key, other parameters: 400 `idempotency_error`;
 * - same key while the first request still runs: 409 `idempotency_error` (retry later);
 * - keys expire 24 h after first use, on the sandbox clock.
 * Requests that never started executing (auth failure, rate limit, injected failure) save nothing.
 */
export class IdempotencyStore {
  private readonly records = new Map<string, KeyRecord>();

  constructor(private readonly clock: SandboxClock) {}

  begin(input: { account: string; key: string; method: string; path: string; params: unknown }): IdempotencyDecision {
    this.evictExpired();
    const storeKey = `${input.account}\u0000${input.key}`;
    const fingerprint = fingerprintRequest(input.method, input.path, input.params);
    const existing = this.records.get(storeKey);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new StripeApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${input.key}' if you meant to execute a different request.`,
        });
      }
      if (!existing.response) {
        throw new StripeApiError(
          409,
          {
            type: 'idempotency_error',
            code: 'idempotency_key_in_use',
            message: 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ' + input.key + '. Please try again later.',
          },
          { 'Stripe-Should-Retry': 'true' },
        );
      }
      return { kind: 'replay', response: existing.response };
    }
    const record: KeyRecord = { fingerprint, savedAt: this.clock.now(), response: undefined };
    this.records.set(storeKey, record);
    return {
      kind: 'execute',
      save: (response) => {
        record.response = response;
      },
      release: () => {
        if (this.records.get(storeKey) === record && !record.response) this.records.delete(storeKey);
      },
    };
  }

  clear(): void {
    this.records.clear();
  }

  private evictExpired(): void {
    const cutoff = this.clock.now() - IDEMPOTENCY_RETENTION_SECONDS * 1000;
    for (const [key, record] of this.records) {
      if (record.savedAt <= cutoff && record.response) this.records.delete(key);
    }
  }
}

function fingerprintRequest(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(params)}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
