/**
 * Poll `probe` until it returns a value other than `undefined` (or `false`/`null`), at most
 * `timeoutMs`; then fail with `what`. For webhooks and other asynchronous effects: a bounded wait
 * on the effect itself, never a sleep.
 *
 * @example
 * const payment = await waitFor('the payment of pi_123', () => findPayment('pi_123'));
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const interval = options.intervalMs ?? 20;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
