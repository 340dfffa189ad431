import { retryOnLostRace } from '../db/transaction-with-retry.js';
import type { JobContext, JobDefinition, JobOutcome } from './job.js';

export interface JobReport extends JobOutcome {
  success: true;
  job: string;
  timestamp: string;
  /** Seed 000's format: "123ms". */
  duration: string;
}

/** How many times a job is run when its transactions keep losing races. */
const ATTEMPTS = 3;

/**
 * Run a job and wrap its outcome in seed 000's cron envelope. A job whose transaction PostgreSQL
 * rolled back as a deadlock's victim (or a serialization failure) is run again, up to three times
 * in all, after a short random pause: every job is a sweep that picks up where the database says
 * it stands, so a second run finishes what the first left, and the caller (the scheduler, the
 * cron endpoint) sees its outcome instead of an error.
 */
export async function runJob(job: JobDefinition, context: JobContext, options: { sleep?: (ms: number) => Promise<void> } = {}): Promise<JobReport> {
  const started = performance.now();
  const outcome = await retryOnLostRace(() => job.run(context), { attempts: ATTEMPTS, pauseMs: 20, ...(options.sleep && { sleep: options.sleep }) });
  return {
    success: true,
    job: job.name,
    ...outcome,
    timestamp: context.clock.now().toISOString(),
    duration: `${Math.round(performance.now() - started)}ms`,
  };
}
