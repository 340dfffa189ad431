import { z } from 'zod';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { apiKeyJson, listApiKeys, revokeApiKey } from '../../services/api-keys/manage-api-keys.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

const apiKeyRoles = ['ADMIN', 'PLATFORM'] as const;

export const apiKeyResource = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(apiKeyRoles),
  prefix: z.string().describe("The key's first characters, e.g. pk_platform_3q9x: tells which key a client holds"),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().describe('Accurate to a minute; null when never used'),
  revokedAt: z.string().nullable(),
});

/** API keys for admins (docs/auth.md "API keys"): list, create (shown once), revoke. */
export async function adminApiKeyRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/api-keys',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Every API key, newest first, without its secret',
        tags: ['admin', 'auth'],
        querystring: z.strictObject({ status: z.enum(['active', 'revoked']).optional() }),
        response: { 200: z.object({ data: z.array(apiKeyResource) }), '4xx': errorReplySchema },
      },
    },
    async (request) => ({ data: (await listApiKeys(app.deps.database.db, request.query)).map(apiKeyJson) }),
  );

  app.post(
    '/api/admin/api-keys',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Create an ADMIN or PLATFORM API key; the key is in this answer and nowhere else',
        description: 'Only its SHA-256 is stored: store `key` now, it cannot be shown again. A lost key is revoked and replaced.',
        tags: ['admin', 'auth'],
        body: z.strictObject({
          role: z.enum(apiKeyRoles),
          name: z.string().trim().min(1).max(200).describe('What the key is for, e.g. "shop backend"'),
        }),
        response: { 201: z.object({ apiKey: apiKeyResource, key: z.string() }), '4xx': errorReplySchema },
      },
    },
    async (request, reply) => {
      const created = await app.deps.database.db.transaction((tx) => createApiKey(tx, { ...request.body, actor: request.principal!.actor }, app.deps));
      return reply.code(201).send({ apiKey: apiKeyJson({ ...created, lastUsedAt: null, revokedAt: null }), key: created.key });
    },
  );

  app.post(
    '/api/admin/api-keys/:id/revoke',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Revoke an API key: every later request with it gets 401',
        description: 'Idempotent: revoking a revoked key answers 200 with `alreadyRevoked: true` and changes nothing. 404 API_KEY_NOT_FOUND.',
        tags: ['admin', 'auth'],
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z.strictObject({ reason: z.string().trim().max(500).optional().describe('Kept in the audit event') }).nullish(),
        response: { 200: z.object({ apiKey: apiKeyResource, alreadyRevoked: z.boolean() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const result = await app.deps.database.db.transaction((tx) =>
        revokeApiKey(tx, { id: request.params.id, actor: request.principal!.actor, reason: request.body?.reason }, app.deps),
      );
      return { apiKey: apiKeyJson(result.apiKey), alreadyRevoked: result.alreadyRevoked };
    },
  );
}
