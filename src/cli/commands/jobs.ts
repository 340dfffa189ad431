import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { findJob, jobs, runJob } from '../../jobs/index.js';
import { systemClock } from '../../providers/clock/index.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/**
 * `payouts jobs list` and `payouts jobs run <job>`: a scheduled sweep, once, now (the same code
 * the scheduler and `POST /api/cron/<job>` run). Prints seed 000's JSON report.
 */
export function registerJobsCommand(program: Command, context: CliContext): void {
  const command = program.command('jobs').description('list or run the scheduled jobs');
  command
    .command('list')
    .description('the jobs, their schedules and what they do')
    .action(() => {
      for (const job of jobs) context.out(`${job.name.padEnd(18)} ${(job.schedule ?? 'on demand').padEnd(12)} ${job.description}`);
    });
  command
    .command('run')
    .argument('<job>', `one of: ${jobs.map((j) => j.name).join(', ')}`)
    .description('run one job now and print its report')
    .action(async (name: string) => {
      const job = findJob(name);
      const config = loadConfig(context.env);
      const database = await openMigratedDatabase(config);
      try {
        const { stripeGatewayFor } = await import('../../http/app.js');
        const report = await runJob(job, { config, database, clock: systemClock, stripe: stripeGatewayFor(config), actor: 'cli' });
        context.out(JSON.stringify(report, null, 2));
      } finally {
        await database.close();
      }
    });
}
