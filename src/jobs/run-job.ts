import type { JobContext, JobDefinition, JobOutcome } from './job.js';

export interface JobReport extends JobOutcome {
  success: true;
  job: string;
  timestamp: string;
  /** Seed 000's format: "123ms". */
  duration: string;
}

/** Run a job once and wrap its outcome in seed 000's cron envelope. */
export async function runJob(job: JobDefinition, context: JobContext): Promise<JobReport> {
  const started = performance.now();
  const outcome = await job.run(context);
  return {
    success: true,
    job: job.name,
    ...outcome,
    timestamp: context.clock.now().toISOString(),
    duration: `${Math.round(performance.now() - started)}ms`,
  };
}
