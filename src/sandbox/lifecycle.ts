import type { SandboxContext } from './context.js';
import { settleDueFunds } from './money/balance-transactions.js';
import { expireDueSessions } from './resources/checkout-sessions.js';
import { advancePayouts } from './resources/payouts.js';

/**
 * Applies every time-driven change that is due at the current sandbox time: pending funds
 * become available, payouts move on (in transit, paid or failed), open Checkout sessions
 * expire. Idempotent; run before each API request, after each clock advance and on a timer.
 */
export function processDueChanges(sandbox: SandboxContext): void {
  settleDueFunds(sandbox);
  advancePayouts(sandbox);
  expireDueSessions(sandbox);
}
