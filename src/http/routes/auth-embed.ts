import { z } from 'zod';
import { startSession } from '../../services/auth/log-in.js';
import { findActiveUser } from '../../services/users/find-active-user.js';
import type { App } from '../app.js';
import { unauthenticated } from '../auth/auth-errors.js';
import { requireRoles } from '../auth/require-roles.js';
import { errorReplySchema } from '../error-handler.js';
import { userReplySchema } from './auth.js';

/**
 * `POST /api/auth/embed-session` (docs/auth.md "Embedding the dashboards"): the `/embed?token=` page
 * trades the short-lived user token a host platform issued (`POST /api/auth/tokens`) for a cookie
 * session, so the token leaves the address bar and the page works like any signed-in page.
 *
 * Only a user token is accepted: a cookie session or an API key cannot mint sessions. Inside a
 * cross-site iframe only a `SameSite=None; Secure` cookie is sent back, so over HTTPS the embedded
 * session's cookie is `SameSite=None`; over plain HTTP (local development) it stays `Lax`.
 */
export async function authEmbedRoutes(app: App): Promise<void> {
  const { database, clock } = app.deps;
  const settings = app.authSettings;

  app.post(
    '/api/auth/embed-session',
    {
      preValidation: requireRoles('CREATOR', 'ADMIN'),
      schema: {
        summary: 'Exchange a short-lived user token for a session cookie (embedded dashboards)',
        description: 'Send the token from `POST /api/auth/tokens` as `Authorization: Bearer <token>`. Answers like a login: the user, the CSRF token and when the session ends.',
        tags: ['auth'],
        response: {
          200: z.object({ user: userReplySchema, csrfToken: z.string(), expiresAt: z.string().describe('ISO 8601') }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      if (principal.via !== 'token' || principal.userId === undefined) throw unauthenticated('Only a user token from POST /api/auth/tokens can open an embedded session.');
      const user = await findActiveUser(database.db, principal.userId);
      if (!user) throw unauthenticated('This user no longer exists or is disabled.');
      const session = await startSession(database.db, user, { clock, sessionTtlSeconds: settings.sessionTtlSeconds, via: 'user_token' });
      const crossSite = settings.cookie.secure;
      reply.setCookie(settings.cookie.name, session.sessionToken, {
        httpOnly: true,
        sameSite: crossSite ? 'none' : 'lax',
        secure: settings.cookie.secure,
        path: '/',
        expires: session.expiresAt,
      });
      const { id, email, name, role, creatorId } = session.user;
      return { user: { id, email, name, role, creatorId }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );
}
