import type { FastifyBaseLogger } from 'fastify';
import PgBoss from 'pg-boss';
import type { JobContext, JobDefinition } from './job.js';
import { runJob } from './run-job.js';

export interface Scheduler {
  /** Queue one run of a job now (what the cron schedule does at its times). */
  trigger(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The built-in scheduler: pg-boss (cron schedules, one worker claiming each run with SKIP LOCKED,
 * so several instances never run the same tick twice), talking through the service's own pool —
 * on PostgreSQL and on the embedded PGlite alike.
 */
export async function startScheduler(options: {
  jobs: readonly JobDefinition[];
  context: Omit<JobContext, 'actor'>;
  logger: FastifyBaseLogger;
  /** Install the cron schedules (default true); false still runs triggered jobs. */
  schedule?: boolean;
}): Promise<Scheduler> {
  const { pool } = options.context.database;
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: 'pgboss',
    schedule: options.schedule ?? true,
    supervise: true,
  });
  boss.on('error', (error) => options.logger.error({ err: error }, 'Scheduler error'));
  await boss.start();
  for (const job of options.jobs) {
    await boss.createQueue(job.name, { name: job.name, policy: 'singleton', retryLimit: 2, retryBackoff: true, expireInSeconds: 3600 });
    if ((options.schedule ?? true) && job.schedule) await boss.schedule(job.name, job.schedule, {}, { tz: 'UTC' });
    await boss.work(job.name, { pollingIntervalSeconds: 2 }, async () => {
      const report = await runJob(job, { ...options.context, actor: `system:${job.name}` });
      options.logger.info({ job: job.name, updatedCount: report.updatedCount, duration: report.duration }, `Job ${job.name}: ${report.message}`);
    });
  }
  return {
    async trigger(name) {
      await boss.send(name, {});
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
