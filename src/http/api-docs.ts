import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { openApiRoutes } from './routes/openapi.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
  description?: string;
};

/**
 * The API's own description: the OpenAPI document built from every route's zod schemas (routes
 * registered later are included too, since the document is generated on first request), served
 * at `/openapi.json`, and Swagger UI at `/docs` with its assets served from this process — the
 * docs work offline. Register before the routes it should describe.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Payouts API', version: packageJson.version, description: packageJson.description },
      tags: [{ name: 'ops', description: 'Health, readiness and metrics' }],
    },
    // Swagger UI's own routes are hidden by their `hide: true`; nothing else is skipped.
    transform: createJsonSchemaTransform({ skipList: [] }),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  await app.register(openApiRoutes);
}
