import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';

export interface MetricsRoutesOptions {
  registry: Registry;
}

/** `GET /metrics`: Prometheus text exposition of the app's registry. */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRoutesOptions> = async (app, { registry }) => {
  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format)' } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
};
