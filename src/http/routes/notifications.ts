import { z } from 'zod';
import { notificationCategories } from '../../notifications/catalog.js';
import { getNotificationPreferences, updateNotificationPreferences } from '../../services/notifications/preferences.js';
import { useUnsubscribeToken } from '../../services/notifications/unsubscribe.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead, type Notification } from '../../services/notifications/user-notifications.js';
import type { App } from '../app.js';
import { forbidden } from '../auth/auth-errors.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

export const notificationResource = z.object({
  id: z.string(),
  topic: z.string().describe('e.g. payout.paid, payment.received, alert.payout_retries_exhausted'),
  category: z.enum(notificationCategories),
  critical: z.boolean(),
  title: z.string().describe("In the user's language when it was delivered"),
  body: z.string(),
  link: z.string().nullable().describe('A dashboard page about it'),
  payload: z.record(z.string(), z.unknown()).describe('The facts it was made from (amounts in minor units)'),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

function toNotificationResource(n: Notification): z.infer<typeof notificationResource> {
  return {
    id: String(n.id),
    topic: n.topic,
    category: n.category as (typeof notificationCategories)[number],
    critical: n.critical,
    title: n.title,
    body: n.body,
    link: n.link,
    payload: n.payload,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt?.toISOString() ?? null,
  };
}

const preferencesReply = z.object({
  data: z.array(z.object({ category: z.enum(notificationCategories), email: z.boolean(), inApp: z.literal(true) })),
  note: z.string(),
});
const PREFERENCES_NOTE = 'In-app notifications are always on; critical alerts are emailed whatever the email preference says.';

/** The signed-in user's id, or 403 for an API key (which has no notifications). */
function userIdOf(request: { principal: { userId?: string } | null }): string {
  const userId = request.principal?.userId;
  if (userId === undefined) throw forbidden('Notifications belong to users: sign in, or use a user token, not an API key.');
  return userId;
}

/**
 * In-app notifications and email preferences of the signed-in user (issue 13 §2, §4), and the
 * one-click unsubscribe link of emails. A user sees only their own notifications.
 */
export async function notificationRoutes(app: App): Promise<void> {
  const { database, clock } = app.deps;

  app.get(
    '/api/notifications',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR'),
      schema: {
        summary: "The signed-in user's notifications, newest first",
        tags: ['notifications'],
        querystring: z.strictObject({
          unread: z.enum(['true', 'false']).optional().describe('true: only unread ones'),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().min(1).max(200).optional(),
        }),
        response: { 200: z.object({ data: z.array(notificationResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const page = await listNotifications(database.db, { userId: userIdOf(request), unread: request.query.unread === 'true', limit: request.query.limit, cursor: request.query.cursor });
      return { data: page.data.map(toNotificationResource), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/notifications/:id/read',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR'),
      schema: {
        summary: 'Mark one of your notifications read',
        description: '404 NOTIFICATION_NOT_FOUND for an id that is not yours. Cookie sessions send `x-csrf-token`.',
        tags: ['notifications'],
        params: z.strictObject({ id: z.string().min(1).max(40) }),
        response: { 200: notificationResource, '4xx': errorReplySchema },
      },
    },
    async (request) => toNotificationResource(await markNotificationRead(database.db, { userId: userIdOf(request), id: request.params.id, at: clock.now() })),
  );

  app.post(
    '/api/notifications/read-all',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR'),
      schema: {
        summary: 'Mark all your notifications read',
        tags: ['notifications'],
        response: { 200: z.object({ updated: z.number().int().describe('How many were unread') }), '4xx': errorReplySchema },
      },
    },
    async (request) => ({ updated: await markAllNotificationsRead(database.db, { userId: userIdOf(request), at: clock.now() }) }),
  );

  app.get(
    '/api/notifications/preferences',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR'),
      schema: {
        summary: 'Your email preferences per category',
        description: PREFERENCES_NOTE,
        tags: ['notifications'],
        response: { 200: preferencesReply, '4xx': errorReplySchema },
      },
    },
    async (request) => ({ data: await getNotificationPreferences(database.db, userIdOf(request)), note: PREFERENCES_NOTE }),
  );

  app.put(
    '/api/notifications/preferences',
    {
      preValidation: requireRoles('ADMIN', 'CREATOR'),
      schema: {
        summary: 'Turn email on or off per category',
        description: `Categories not named keep their setting. ${PREFERENCES_NOTE} Cookie sessions send \`x-csrf-token\`.`,
        tags: ['notifications'],
        body: z.strictObject({
          preferences: z
            .array(z.strictObject({ category: z.enum(notificationCategories), email: z.boolean() }))
            .min(1)
            .max(notificationCategories.length)
            .refine((list) => new Set(list.map((p) => p.category)).size === list.length, { error: 'Name each category at most once' }),
        }),
        response: { 200: preferencesReply, '4xx': errorReplySchema },
      },
    },
    async (request) => ({
      data: await updateNotificationPreferences(database.db, { userId: userIdOf(request), changes: request.body.preferences, at: clock.now() }),
      note: PREFERENCES_NOTE,
    }),
  );

  // RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` as a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => done(null, body));
  app.post(
    '/api/notifications/unsubscribe',
    {
      // The token is the credential: no session, so no CSRF token either.
      config: { authentication: 'ignore' },
      // The token must not reach the logs.
      logLevel: 'warn',
      schema: {
        summary: "One-click unsubscribe: turn off the email of one category for the email's recipient",
        description:
          'The `List-Unsubscribe` link of every non-critical email (RFC 8058: mail clients POST `List-Unsubscribe=One-Click`), and the button of the `/unsubscribe` page its body links to. ' +
          'A token works once (409 UNSUBSCRIBE_LINK_USED afterwards); a token this service did not sign is 400 UNSUBSCRIBE_LINK_INVALID.',
        tags: ['notifications'],
        querystring: z.strictObject({ token: z.string().min(1).max(1000) }),
        response: { 200: z.object({ category: z.enum(notificationCategories), email: z.literal(false) }), '4xx': errorReplySchema },
      },
    },
    async (request) => useUnsubscribeToken(database.db, { token: request.query.token }, { clock }),
  );
}
