import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { JobContext, JobDefinition } from './job.js';
import { runJob } from './run-job.js';

/**
 * Advisory lock id under which an instance creates its queues and schedules (beside the
 * migrations' 7_311_947_120).
 */
const QUEUE_SETUP_LOCK_ID = 7_311_947_121;

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
  // pg-boss's set-up is not safe to run concurrently: instances starting together on a database
  // where it is not in place yet fail — installing its schema (`duplicate key value violates
  // unique constraint "pg_namespace_nspname_index"`) or creating the queues (`deadlock
  // detected`) — and the loser exits. One instance at a time sets up; the next finds it done.
  await exclusively(pool, async () => {
    await boss.start();
    for (const job of options.jobs) {
      await boss.createQueue(job.name, { name: job.name, policy: 'singleton', retryLimit: 2, retryBackoff: true, expireInSeconds: 3600 });
      if ((options.schedule ?? true) && job.schedule) await boss.schedule(job.name, job.schedule, {}, { tz: 'UTC' });
    }
  });
  for (const job of options.jobs) {
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

/**
 * Run `work` while holding a session advisory lock on a connection of its own (the work itself
 * runs on the pool's other connections). On PGlite, a single session, the lock is re-entrant and
 * serialises nothing, which is all one process needs.
 */
async function exclusively<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [QUEUE_SETUP_LOCK_ID]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [QUEUE_SETUP_LOCK_ID]);
    }
  } finally {
    client.release();
  }
}
