import { writeSync } from 'node:fs';

/**
 * Crash points (issue 15 §2, docs/simulation.md "Killed at each step"): named places between
 * two steps of the money path where a test can have the real process killed — `kill -9`, no
 * `finally`, no graceful shutdown — to show that a restart and the repair sweeps finish the work
 * with nothing paid twice and nothing lost. Each step of a saga commits on its own, so these are
 * exactly the places where a real crash leaves a state that only the repair can complete.
 *
 * Off unless `PAYOUTS_CRASH_AT` names a point (testing only: the configuration refuses it when
 * NODE_ENV=production, and this module never arms itself there). Unarmed, `crashPoint` is one
 * map lookup.
 */
export const crashPointNames = [
  /** PROCESSING (with its lease) is committed; Stripe's transfer not asked for yet. */
  'payout.claimed',
  /** Stripe made the transfer and answered; nothing of it recorded yet. */
  'payout.transfer-made',
  /** The transfer is recorded (PAID, or PROCESSING waiting for its bank payout); the bank payout not asked for yet. */
  'payout.transfer-recorded',
  /** Stripe made the connected account's bank payout and answered; its id not recorded yet. */
  'payout.bank-payout-made',
  /** A webhook's handler ran inside the event's transaction; COMMIT not sent yet. */
  'webhook.handled',
  /** The event and its effects are committed; Stripe not answered 200 yet. */
  'webhook.committed',
  /** An admin's refund passed its checks; Stripe not asked yet (nothing is written before Stripe). */
  'refund.requested',
  /** Stripe made the refund and answered; the books not changed yet. */
  'refund.made',
  /** An admin's clawback passed its checks; Stripe not asked for the transfer reversal yet. */
  'clawback.requested',
  /** Stripe reversed (part of) the transfer and answered; the clawback not recorded yet. */
  'clawback.reversal-made',
] as const;

export type CrashPointName = (typeof crashPointNames)[number];

/** Which points are armed, and at which time each is reached (1 = the first). */
export type CrashPlan = ReadonlyMap<CrashPointName, number>;

const knownNames: ReadonlySet<string> = new Set(crashPointNames);

/**
 * Read a `PAYOUTS_CRASH_AT` value: a comma-separated list of `name` or `name#n` (crash the n-th
 * time the point is reached; default the first). Empty or unset: nothing armed.
 * @throws Error naming the faulty item and, for an unknown name, every valid one
 * @example parseCrashPlan('payout.transfer-made#2, webhook.handled') // Map { 'payout.transfer-made' => 2, 'webhook.handled' => 1 }
 */
export function parseCrashPlan(value: string | undefined): CrashPlan {
  const plan = new Map<CrashPointName, number>();
  for (const raw of (value ?? '').split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const match = /^([a-z.-]+)(?:#(\d+))?$/.exec(item);
    const name = match?.[1] ?? item;
    if (!match || !knownNames.has(name)) {
      throw new Error(`unknown crash point "${item}": expected a comma-separated list of name or name#n, the names being ${crashPointNames.join(', ')}`);
    }
    const at = match[2] === undefined ? 1 : Number(match[2]);
    if (!Number.isSafeInteger(at) || at < 1) throw new Error(`crash point "${item}": n in name#n counts from 1`);
    if (plan.has(name as CrashPointName)) throw new Error(`crash point ${name} is named twice`);
    plan.set(name as CrashPointName, at);
  }
  return plan;
}

let plan: CrashPlan | undefined;
const reached = new Map<CrashPointName, number>();
let handler: ((name: CrashPointName) => void) | undefined;

/**
 * Arm the points of `value` (the `PAYOUTS_CRASH_AT` syntax) instead of the environment's, and
 * count from zero again; `undefined` goes back to reading the environment on the next
 * `crashPoint`. For tests and the in-process simulation.
 */
export function armCrashPoints(value: string | undefined): CrashPlan | undefined {
  plan = value === undefined ? undefined : parseCrashPlan(value);
  reached.clear();
  return plan;
}

/**
 * What a firing point does instead of killing the process: the in-process simulation installs a
 * handler that throws (its "process" is the call stack); `undefined` restores the kill.
 */
export function setCrashHandler(fn: ((name: CrashPointName) => void) | undefined): void {
  handler = fn;
}

/**
 * Mark a step boundary. When `name` is armed and this is the time it was armed for: call the
 * crash handler if one is set, else write one line to stderr and SIGKILL this process.
 */
export function crashPoint(name: CrashPointName): void {
  // Read once, on first use. Never armed in production, whatever the environment says.
  plan ??= process.env.NODE_ENV === 'production' ? new Map() : parseCrashPlan(process.env.PAYOUTS_CRASH_AT);
  const at = plan.get(name);
  if (at === undefined) return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  if (count !== at) return;
  if (handler) {
    handler(name);
    return;
  }
  // Synchronous, so the line is out before the kill; then no cleanup of any kind.
  writeSync(2, `payouts: crash point ${name} reached (time ${count}): killing the process with SIGKILL (PAYOUTS_CRASH_AT)\n`);
  process.kill(process.pid, 'SIGKILL');
}
