import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { secretsEqual } from '../../services/auth/secret-digest.js';
import { unauthenticated } from '../auth/auth-errors.js';

export interface MetricsRoutesOptions {
  registry: Registry;
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

/** `GET /metrics`: Prometheus text exposition of the app's registry (HTTP, process and business metrics). */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRoutesOptions> = async (app, { registry, token }) => {
  app.get(
    '/metrics',
    {
      // Its own credential (METRICS_TOKEN), not a user's or an API key: the auth layer stays out.
      config: { authentication: 'ignore' },
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text exposition format)',
        description: 'With METRICS_TOKEN set, send `Authorization: Bearer <METRICS_TOKEN>` (401 UNAUTHENTICATED otherwise).',
      },
    },
    async (request, reply) => {
      if (token !== undefined) {
        const sent = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
        if (!secretsEqual(sent, token)) throw unauthenticated('Send `Authorization: Bearer <METRICS_TOKEN>` to read the metrics.');
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};
