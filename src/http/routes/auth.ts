import { z } from 'zod';
import { unreadNotificationCount } from '../../services/notifications/user-notifications.js';
import { issueUserToken } from '../../services/auth/issue-user-token.js';
import { logIn } from '../../services/auth/log-in.js';
import { logOut } from '../../services/auth/log-out.js';
import { findActiveUser, type ActiveUser } from '../../services/users/find-active-user.js';
import { getUserLocale, setUserLocale, userLocales } from '../../services/users/user-locale.js';
import type { App } from '../app.js';
import { forbidden, unauthenticated } from '../auth/auth-errors.js';
import { loginRateLimit } from '../auth/rate-limits.js';
import { requireRoles } from '../auth/require-roles.js';
import { sessionOf } from '../auth/resolve-principal.js';
import { errorReplySchema } from '../error-handler.js';

export const userReplySchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['ADMIN', 'CREATOR']),
  creatorId: z.string().nullable().describe('The creator profile of a CREATOR'),
});

export const principalReplySchema = z.object({
  role: z.enum(['ADMIN', 'CREATOR', 'PLATFORM', 'CRON']),
  actor: z.string().describe("As written in audit events: 'user:<id>', 'api_key:<id>' or 'cron'"),
  userId: z.string().optional(),
  creatorId: z.string().optional(),
  apiKeyId: z.string().optional(),
  via: z.enum(['api_key', 'session', 'token', 'cron_secret', 'cron_jwt']),
});

/** The signed-in user with their language (login, who-am-I). */
export const signedInUserReplySchema = userReplySchema.extend({
  locale: z
    .enum(userLocales)
    .nullable()
    .describe("The dashboards' language: a creator's profile language (their messages follow it), or the one an admin chose; null: an admin who has not chosen"),
});

function userReply(user: ActiveUser): z.infer<typeof userReplySchema> {
  return { id: user.id, email: user.email, name: user.name, role: user.role, creatorId: user.creatorId };
}

/**
 * `/api/auth/*` (docs/auth.md): password login to an HttpOnly session cookie, who-am-I with the
 * CSRF token, logout, and short-lived bearer tokens acting as a user for host platforms.
 */
export async function authRoutes(app: App): Promise<void> {
  const { database, clock } = app.deps;
  const settings = app.authSettings;

  app.post(
    '/api/auth/login',
    {
      config: { authentication: 'ignore', rateLimit: loginRateLimit },
      schema: {
        summary: 'Log in with email and password; sets the session cookie',
        description:
          'Sets an HttpOnly, SameSite=Lax cookie (Secure in production). Send the returned `csrfToken` as `x-csrf-token` on every cookie-authenticated request that is not a GET. ' +
          'An unknown email and a wrong password get the same 401 INVALID_CREDENTIALS. At most 10 attempts a minute per address and email (429 RATE_LIMITED).',
        tags: ['auth'],
        body: z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }),
        response: {
          200: z.object({ user: signedInUserReplySchema, csrfToken: z.string(), expiresAt: z.string().describe('ISO 8601') }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request, reply) => {
      const session = await logIn(database.db, request.body, { clock, sessionTtlSeconds: settings.sessionTtlSeconds });
      reply.setCookie(settings.cookie.name, session.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: settings.cookie.secure,
        path: '/',
        expires: session.expiresAt,
      });
      const locale = await getUserLocale(database.db, session.user.id);
      return { user: { ...userReply(session.user), locale }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.get(
    '/api/auth/me',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR', 'PLATFORM', 'CRON'),
      schema: {
        summary: 'Who the credentials of this request belong to',
        description: 'For a cookie session, also the `csrfToken` to send as `x-csrf-token` on mutations. `user` (with its `locale`) for a user, not for an API key or cron.',
        tags: ['auth'],
        response: {
          200: z.object({
            principal: principalReplySchema,
            user: signedInUserReplySchema.optional(),
            csrfToken: z.string().optional(),
            sessionExpiresAt: z.string().optional(),
            unreadNotifications: z.number().int().optional().describe('How many of the user’s in-app notifications are unread (users only)'),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const session = sessionOf(request);
      const user = session?.user ?? (principal.userId === undefined ? undefined : await findActiveUser(database.db, principal.userId));
      return {
        principal,
        ...(user && {
          user: { ...userReply(user), locale: await getUserLocale(database.db, user.id) },
          unreadNotifications: await unreadNotificationCount(database.db, user.id),
        }),
        ...(session && { csrfToken: session.csrfToken, sessionExpiresAt: session.expiresAt.toISOString() }),
      };
    },
  );

  app.patch(
    '/api/auth/me',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR'),
      schema: {
        summary: "Change the signed-in user's profile: their language",
        description:
          "`locale` is kept on the user: a creator's also becomes the language of the service's messages to them. Users only (a session or a user token): " +
          'an API key has no profile (403 FORBIDDEN). Cookie sessions send `x-csrf-token` (403 CSRF_TOKEN_INVALID without it).',
        tags: ['auth'],
        body: z.strictObject({ locale: z.enum(userLocales) }),
        response: { 200: z.object({ user: signedInUserReplySchema }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.userId === undefined) throw forbidden('Only a signed-in user has a profile: an API key has no language to change.');
      const user = await findActiveUser(database.db, principal.userId);
      if (!user) throw unauthenticated('This user no longer exists or is disabled.');
      const locale = await setUserLocale(database.db, { userId: user.id, locale: request.body.locale, actor: principal.actor }, { clock });
      return { user: { ...userReply(user), locale } };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { authentication: 'lenient' },
      schema: {
        summary: 'End the cookie session and clear the cookie',
        description: 'Needs `x-csrf-token` while the session is live. Idempotent: without a live session it just clears the cookie.',
        tags: ['auth'],
        response: { 204: z.null(), '4xx': errorReplySchema },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (session) await logOut(database.db, session.token);
      reply.clearCookie(settings.cookie.name, { path: '/', httpOnly: true, sameSite: 'lax', secure: settings.cookie.secure });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/tokens',
    {
      preValidation: requireRoles('PLATFORM', 'ADMIN'),
      schema: {
        summary: 'A short-lived bearer token acting as a user (embedding the creator dashboard)',
        description:
          'API keys only (PLATFORM or ADMIN). A PLATFORM key may act only as CREATOR users. The token is an HS256 JWT; send it as `Authorization: Bearer <token>` until `expiresAt`.',
        tags: ['auth'],
        body: z.strictObject({ userId: z.string().min(1).max(100) }),
        response: {
          200: z.object({
            token: z.string(),
            tokenType: z.literal('Bearer'),
            expiresAt: z.string().describe('ISO 8601'),
            expiresIn: z.number().int().describe('Seconds'),
            user: userReplySchema,
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.via !== 'api_key' || (principal.role !== 'PLATFORM' && principal.role !== 'ADMIN')) {
        throw forbidden('Only an API key (PLATFORM or ADMIN) can issue user tokens.');
      }
      const issued = await issueUserToken(
        database.db,
        { userId: request.body.userId, issuer: { role: principal.role, actor: principal.actor } },
        { clock, secret: settings.sessionSecret, ttlSeconds: settings.userTokenTtlSeconds },
      );
      const expiresIn = Math.max(0, Math.floor((issued.expiresAt.getTime() - clock.now().getTime()) / 1000));
      return { token: issued.token, tokenType: 'Bearer' as const, expiresAt: issued.expiresAt.toISOString(), expiresIn, user: userReply(issued.user) };
    },
  );
}
