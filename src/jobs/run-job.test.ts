import { describe, expect, it } from 'vitest';
import type { JobContext, JobDefinition } from './job.js';
import { runJob } from './run-job.js';

/** A pg error as drizzle wraps it: the SQLSTATE on the cause. */
function pgError(code: string): Error {
  return Object.assign(new Error('Failed query: select 1'), { cause: Object.assign(new Error(code === '40P01' ? 'deadlock detected' : 'boom'), { code }) });
}

function jobFailing(errors: Error[]): JobDefinition & { runs: number } {
  const job = {
    name: 'flaky',
    description: 'fails as told, then succeeds',
    schedule: null,
    runs: 0,
    async run() {
      const error = errors[job.runs++];
      if (error) throw error;
      return { message: `done on run ${job.runs}`, updatedCount: 1 };
    },
  };
  return job;
}

const context = { clock: { now: () => new Date('2026-12-06T10:00:00Z') }, actor: 'test' } as unknown as JobContext;
const noPause = { sleep: async () => undefined };

describe('runJob', () => {
  it('runs a job again when it was the victim of a deadlock or a serialization failure', async () => {
    const job = jobFailing([pgError('40P01'), pgError('40001')]);
    const report = await runJob(job, context, noPause);
    expect(job.runs).toBe(3);
    expect(report).toMatchObject({ success: true, job: 'flaky', message: 'done on run 3', updatedCount: 1, timestamp: '2026-12-06T10:00:00.000Z' });
  });

  it('gives up after three runs that all lost their race', async () => {
    const job = jobFailing([pgError('40P01'), pgError('40P01'), pgError('40P01'), pgError('40P01')]);
    await expect(runJob(job, context, noPause)).rejects.toThrow('Failed query');
    expect(job.runs).toBe(3);
  });

  it('does not run a job again after any other error', async () => {
    const job = jobFailing([pgError('23505')]);
    await expect(runJob(job, context, noPause)).rejects.toThrow('Failed query');
    expect(job.runs).toBe(1);
  });
});
