export type { JobContext, JobDefinition, JobOutcome } from './job.js';
export { jobs, findJob } from './registry.js';
export { runJob, type JobReport } from './run-job.js';
export { startScheduler, type Scheduler } from './scheduler.js';
