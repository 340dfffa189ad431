/**
 * All time in the service comes from one clock (DESIGN.md §2): domain code takes `now` as an
 * argument, services and jobs read it here. With ENABLE_TEST_CLOCK=1 the clock can be moved
 * forward (`POST /api/test/clock`), so a 7-day hold can be watched end to end in seconds.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Wall time plus an offset that only grows: moved forward, never back, so ordering holds. The one
 * exception is `startInThePast`, before the clock has ever been moved.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private moved = false;

  /**
   * Set a clock that has never been moved `seconds` into the past, once, before anything was
   * written with it: the demo seed (src/demo, on an empty database) plays the demo's history in
   * the past this way and then `advance`s back to the present, so its payouts were requested days
   * ago and not just now.
   * @throws Error once the clock has been moved
   */
  startInThePast(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('startInThePast takes a positive number of seconds');
    if (this.moved) throw new Error('the clock has already been moved: it can only go forward now');
    this.moved = true;
    this.offsetMs = -Math.round(seconds * 1000);
    return this.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** @returns the new now */
  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('the clock only moves forward');
    this.moved = true;
    this.offsetMs += Math.round(seconds * 1000);
    return this.now();
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}
