import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { migrationStatus } from '../../db/migrate.js';

export interface ReadinessRoutesOptions {
  database: Database;
  /** How long each check may take before it counts as failed (default 2000 ms). */
  timeoutMs?: number;
}

const readinessChecksSchema = z.object({
  database: z.enum(['ok', 'unreachable']),
  migrations: z.enum(['ok', 'pending', 'unknown']),
});

type ReadinessChecks = z.infer<typeof readinessChecksSchema>;

const readySchema = z.object({ status: z.literal('ready'), checks: readinessChecksSchema });
const notReadySchema = z.object({
  status: z.literal('not_ready'),
  checks: readinessChecksSchema,
  error: z.object({ code: z.literal('NOT_READY'), message: z.string() }),
});

class CheckTimeout extends Error {}

/** Rejects after `ms` so a hung connection attempt cannot hang the probe. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /readyz`: readiness. 200 when the database answers `select 1` and every migration is
 * applied; 503 otherwise, with which check failed (the cause is logged, not returned).
 */
export const readinessRoutes: FastifyPluginAsyncZod<ReadinessRoutesOptions> = async (app, { database, timeoutMs = 2000 }) => {
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness probe: database reachable and migrations applied',
        response: { 200: readySchema, 503: notReadySchema },
      },
    },
    async (request, reply) => {
      const checks: ReadinessChecks = { database: 'unreachable', migrations: 'unknown' };
      const problems: string[] = [];
      try {
        await withTimeout(database.pool.query('select 1'), timeoutMs);
        checks.database = 'ok';
      } catch (error) {
        request.log.warn({ err: error }, 'readiness: database unreachable');
        problems.push('the database is unreachable');
      }
      if (checks.database === 'ok') {
        try {
          const status = await withTimeout(migrationStatus(database), timeoutMs);
          checks.migrations = status.upToDate ? 'ok' : 'pending';
          if (!status.upToDate) problems.push(`${status.expected - status.applied} of ${status.expected} migrations are not applied`);
        } catch (error) {
          request.log.warn({ err: error }, 'readiness: migration status unknown');
          problems.push('the migration status could not be read');
        }
      }
      if (problems.length === 0) return reply.code(200).send({ status: 'ready' as const, checks });
      return reply.code(503).send({
        status: 'not_ready' as const,
        checks,
        error: { code: 'NOT_READY' as const, message: `Not ready: ${problems.join('; ')}.` },
      });
    },
  );
};
