/**
 * All time in the service comes from one clock (DESIGN.md §2): domain code takes `now` as an
 * argument, services and jobs read it here. With ENABLE_TEST_CLOCK=1 the clock can be moved
 * forward (`POST /api/test/clock`), so a 7-day hold can be watched end to end in seconds.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Wall time plus an offset that only grows: moved forward, never back, so ordering holds. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** @returns the new now */
  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += Math.round(seconds * 1000);
    return this.now();
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}
