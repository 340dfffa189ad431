/**
 * Sandbox time. Everything time-dependent in the sandbox (object `created`, pending funds
 * becoming available, payouts arriving, idempotency-key expiry) reads this clock, never
 * `Date.now()`, so tests and demos can move it forward.
 *
 * Webhook signatures are the exception: their `t=` timestamp is wall-clock time, because
 * receivers check it against their own wall clock (`stripe.webhooks.constructEvent`).
 */
export interface SandboxClock {
  /** Current sandbox time in milliseconds since the epoch. */
  now(): number;
}

/** A clock that can be moved forward; the default clock of the sandbox. */
export interface AdvanceableClock extends SandboxClock {
  /** Moves time forward by `seconds` (≥ 0). */
  advance(seconds: number): void;
}

export function isAdvanceableClock(clock: SandboxClock): clock is AdvanceableClock {
  return typeof (clock as Partial<AdvanceableClock>).advance === 'function';
}

/**
 * Wall-clock time plus an offset that only grows: the sandbox starts "now" and can be
 * advanced, never rewound (Stripe's test clocks cannot go back either).
 *
 * @example
 * const clock = createSandboxClock();
 * clock.advance(2 * 86_400); // two days later: pending funds are now available
 */
export function createSandboxClock(options: { startAt?: Date } = {}): AdvanceableClock & { reset(): void } {
  const initialOffset = options.startAt ? options.startAt.getTime() - Date.now() : 0;
  let offsetMs = initialOffset;
  return {
    now: () => Date.now() + offsetMs,
    advance(seconds: number) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('The sandbox clock only moves forward');
      offsetMs += Math.round(seconds * 1000);
    },
    reset() {
      offsetMs = initialOffset;
    },
  };
}

/** Unix seconds, the unit of every Stripe timestamp. */
export function unixSeconds(clock: SandboxClock): number {
  return Math.floor(clock.now() / 1000);
}
