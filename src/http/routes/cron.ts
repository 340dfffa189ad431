import { z } from 'zod';
import { findJob, runJob } from '../../jobs/index.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

const jobReport = z
  .object({
    success: z.literal(true),
    job: z.string(),
    message: z.string(),
    updatedCount: z.number().int(),
    timestamp: z.string(),
    duration: z.string().describe('e.g. "123ms"'),
  })
  .catchall(z.unknown());

/**
 * Each scheduled job as an endpoint for external schedulers (DESIGN.md §7), authenticated by
 * `Authorization: Bearer <CRON_SECRET>` or a short-lived JWT signed with CRON_JWT_SECRET; and
 * seed 000's `/api/payouts/update-status` (the release of holds), which also answers a plain GET
 * outside production for local testing.
 */
export async function cronRoutes(app: App): Promise<void> {
  const run = (name: string, actor: string) => runJob(findJob(name), { ...app.deps, actor });

  app.post(
    '/api/cron/:job',
    {
      preValidation: requireRoles('CRON', 'ADMIN'),
      schema: { summary: 'Run one scheduled job now', tags: ['cron'], params: z.object({ job: z.string() }), response: { 200: jobReport, '4xx': errorReplySchema } },
    },
    async (request) => run(request.params.job, request.principal!.actor),
  );

  app.post(
    '/api/payouts/update-status',
    {
      preValidation: requireRoles('CRON', 'ADMIN'),
      schema: { summary: 'Release due holds: HELD → READY (seed 000 cron)', tags: ['cron'], response: { 200: jobReport, '4xx': errorReplySchema } },
    },
    async (request) => run('release-holds', request.principal!.actor),
  );

  if (!app.deps.config.isProduction) {
    app.get(
      '/api/payouts/update-status',
      { schema: { summary: 'Release due holds without auth (development only, seed 000)', tags: ['cron'], response: { 200: jobReport } } },
      async () => run('release-holds', 'cron:development'),
    );
  }
}
