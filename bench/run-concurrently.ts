/** What one timed run measured. Latencies are per unit of work (one transaction), in milliseconds. */
export interface RunMeasurement {
  label: string;
  count: number;
  writers: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time this Node process spent per unit (user + system), in microseconds: the client's share of a 2-core machine. */
  clientCpuUsPerOp: number;
}

export interface RunOptions {
  /** Shown in the progress line and the result, e.g. "postgres ledger ×8". */
  label: string;
  /** Units of work to do, numbered 0 … count − 1, each done exactly once. */
  count: number;
  /** Concurrent loops, each taking the next number until none are left. */
  writers: number;
  /** One unit of work (one transaction). A rejection stops every writer and fails the run. */
  work: (index: number) => Promise<void>;
  /** Where the progress line goes; omit for none. */
  progress?: NodeJS.WriteStream | undefined;
  /** Set by the caller (Ctrl-C) to stop the writers after their current unit. */
  signal?: AbortSignal | undefined;
}

/**
 * Run `count` units of work over `writers` concurrent loops and time each unit. Progress is a
 * single line rewritten with `\r` every second on a terminal (a plain line every 10 s otherwise).
 */
export async function runConcurrently(options: RunOptions): Promise<RunMeasurement> {
  const { label, count, writers, work, progress, signal } = options;
  const latencies = new Float64Array(count);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();

  const isTerminal = progress?.isTTY === true;
  let lastDone = 0;
  let lastAt = started;
  let lastPrinted = started;
  const ticker = progress
    ? setInterval(() => {
        const now = performance.now();
        const rate = ((done - lastDone) * 1000) / (now - lastAt);
        lastDone = done;
        lastAt = now;
        const line = `  ${label}: ${done.toLocaleString('en-US')}/${count.toLocaleString('en-US')} (${((done / count) * 100).toFixed(1)} %), ${Math.round(rate).toLocaleString('en-US')}/s now, ${((now - started) / 1000).toFixed(0)} s`;
        if (isTerminal) progress.write(`\r${line.padEnd(100)}`);
        else if (now - lastPrinted >= 10_000) {
          progress.write(`${line}\n`);
          lastPrinted = now;
        }
      }, 1000)
    : undefined;

  const loop = async () => {
    while (failure === undefined && !signal?.aborted) {
      const index = next++;
      if (index >= count) return;
      const t0 = performance.now();
      try {
        await work(index);
      } catch (error) {
        failure ??= error;
        return;
      }
      latencies[index] = performance.now() - t0;
      done++;
    }
  };

  try {
    await Promise.all(Array.from({ length: writers }, loop));
  } finally {
    if (ticker) clearInterval(ticker);
    if (isTerminal) progress.write(`\r${' '.repeat(100)}\r`);
  }
  if (failure !== undefined) throw failure;
  if (signal?.aborted) throw new Error(`${label}: interrupted after ${done} of ${count}`);

  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.slice().sort();
  return {
    label,
    count,
    writers,
    elapsedMs,
    perSecond: (count * 1000) / elapsedMs,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    clientCpuUsPerOp: (cpu.user + cpu.system) / count,
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
