export { useNow } from '../../lib/use-now';

/**
 * Seconds left of a countdown the service measured (`releaseInSeconds`) when the data was fetched
 * (`fetchedAt`, ms): counted on this browser's clock from there, so that neither a wrong clock on
 * this computer nor the service's test clock skews it.
 */
export function secondsLeft(secondsAtFetch: number, fetchedAt: number, now: number): number {
  return Math.max(0, Math.ceil(secondsAtFetch - (now - fetchedAt) / 1000));
}
