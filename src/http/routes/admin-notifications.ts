import { z } from 'zod';
import { listFailedNotifications, listMailbox, retryFailedNotification, type MailboxMessage, type OutboxMessage } from '../../services/notifications/admin-notifications.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

export const outboxMessageResource = z.object({
  id: z.string(),
  topic: z.string(),
  recipient: z.string().describe('`user:<id>` or `email:<address>`'),
  status: z.enum(['pending', 'sent', 'failed', 'expanded']),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('Why the last attempt failed'),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string().describe('When it was queued'),
  nextAttemptAt: z.string(),
  giveUpAt: z.string().nullable(),
});

function toOutboxMessageResource(m: OutboxMessage): z.infer<typeof outboxMessageResource> {
  return {
    id: String(m.id),
    topic: m.topic,
    recipient: m.recipient,
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    payload: m.payload,
    createdAt: m.createdAt.toISOString(),
    nextAttemptAt: m.nextAttemptAt.toISOString(),
    giveUpAt: m.giveUpAt?.toISOString() ?? null,
  };
}

export const mailboxMessageResource = z.object({
  id: z.string(),
  messageId: z.string().describe('The Message-ID header: `<outbox id@APP_URL host>`'),
  topic: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  headers: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

function toMailboxResource(m: MailboxMessage): z.infer<typeof mailboxMessageResource> {
  return { id: String(m.id), messageId: m.messageId, topic: m.topic, from: m.from, to: m.to, subject: m.subject, html: m.html, text: m.text, headers: m.headers, createdAt: m.createdAt.toISOString() };
}

const page = { limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().min(1).max(200).optional() };

/** Notification delivery for admins (issue 13 §1, §2): what failed, sending it again, and the demo's local mailbox. */
export async function adminNotificationRoutes(app: App): Promise<void> {
  const { database, clock, config } = app.deps;

  app.get(
    '/api/admin/notifications/failed',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Messages delivery gave up on, newest first',
        description: 'Given up 24 h after being queued, or at once when the SMTP server refused them for good (5xx). Send one again with POST /api/admin/notifications/:id/retry.',
        tags: ['admin', 'notifications'],
        querystring: z.strictObject(page),
        response: { 200: z.object({ data: z.array(outboxMessageResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const result = await listFailedNotifications(database.db, request.query);
      return { data: result.data.map(toOutboxMessageResource), nextCursor: result.nextCursor };
    },
  );

  app.post(
    '/api/admin/notifications/:id/retry',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Send a failed message again',
        description: 'Back to pending, due now, with 24 h more before delivery gives up. 409 NOTIFICATION_NOT_FAILED unless it failed. Audited (`notification.retried`).',
        tags: ['admin', 'notifications'],
        params: z.strictObject({ id: z.string().min(1).max(40) }),
        response: { 200: outboxMessageResource, '4xx': errorReplySchema },
      },
    },
    async (request) => toOutboxMessageResource(await retryFailedNotification(database.db, { id: request.params.id, actor: request.principal!.actor }, { clock })),
  );

  app.get(
    '/api/admin/mailbox',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'The local mailbox: emails kept instead of sent, newest first',
        description: `Without SMTP_URL (the embedded demo) every email is kept here, rendered, so you can read what would have been sent. With SMTP_URL set it stays empty${config.smtpUrl ? ' (it is set here)' : ''}.`,
        tags: ['admin', 'notifications'],
        querystring: z.strictObject({ ...page, to: z.string().min(1).max(320).optional().describe('Only emails to this address') }),
        response: { 200: z.object({ data: z.array(mailboxMessageResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const result = await listMailbox(database.db, request.query);
      return { data: result.data.map(toMailboxResource), nextCursor: result.nextCursor };
    },
  );
}
