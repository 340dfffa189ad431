import { z } from 'zod';
import { alertSeverities, alertStatuses } from '../../domain/alerts/alert-status.js';
import { listAlerts } from '../../services/alerts/list-alerts.js';
import { acknowledgeAlert, MAX_NOTE_LENGTH, MAX_SNOOZE_DAYS, resolveAlert, snoozeAlert } from '../../services/alerts/manage-alerts.js';
import type { Alert } from '../../services/alerts/raise-alert.js';
import { alertHeadline } from '../../notifications/alert-headline.js';
import type { NotificationLocale } from '../../notifications/catalog.js';
import type { App } from '../app.js';
import { requestLocale } from '../request-locale.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

export const alertResource = z.object({
  id: z.string().describe('Increasing in the order alerts opened'),
  type: z.string().describe('e.g. payout_stale, payout_retries_exhausted, dispute_created (docs/alerts.md)'),
  severity: z.enum(alertSeverities),
  subject: z.string().describe("What the check found, in the service's words (English): ids and figures as of the last occurrence"),
  headline: z
    .string()
    .describe("The alert in the reader's language (French when `Accept-Language` puts it first, else English): the subject of the notification it sent. Its stored subject when its type has none"),
  details: z.record(z.string(), z.unknown()).describe('What was found, as of the last occurrence'),
  fingerprint: z.string().describe('The condition: at most one alert per fingerprint is not RESOLVED'),
  status: z.enum(alertStatuses),
  snoozedUntil: z.string().nullable(),
  snoozed: z.boolean().describe('Snoozed until a time still ahead'),
  openedAt: z.string(),
  lastSeenAt: z.string(),
  occurrences: z.number().int().describe('Times the condition was found while open, the opening included'),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable().describe('An actor, or `system` when the condition cleared'),
  resolutionNote: z.string().nullable(),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toAlertResource(alert: Alert, now: Date, locale: NotificationLocale): z.infer<typeof alertResource> {
  return {
    id: String(alert.id),
    type: alert.type,
    severity: alert.severity,
    subject: alert.subject,
    headline: alertHeadline(alert.type, alert.details, locale) ?? alert.subject,
    details: alert.details,
    fingerprint: alert.fingerprint,
    status: alert.status,
    snoozedUntil: iso(alert.snoozedUntil),
    snoozed: alert.snoozedUntil !== null && alert.snoozedUntil.getTime() > now.getTime(),
    openedAt: alert.openedAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    occurrences: alert.occurrences,
    acknowledgedAt: iso(alert.acknowledgedAt),
    acknowledgedBy: alert.acknowledgedBy,
    resolvedAt: iso(alert.resolvedAt),
    resolvedBy: alert.resolvedBy,
    resolutionNote: alert.resolutionNote,
  };
}

const params = z.strictObject({ id: z.string().min(1).max(40) });
const conflicts = 'Two admins acting at once: one wins, the other gets 409 (ALERT_ALREADY_ACKNOWLEDGED / ALERT_ALREADY_RESOLVED, `details.status`, `details.by`).';

/** Alerts for admins (issue 14 §1, docs/alerts.md): the list, and acknowledge / resolve / snooze, each audited. */
export async function adminAlertRoutes(app: App): Promise<void> {
  const { database, clock } = app.deps;

  app.get(
    '/api/admin/alerts',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Alerts, newest first, filtered by status, severity and type',
        description: 'Open ones: `?status=OPEN`. Pages with `nextCursor`.',
        tags: ['admin', 'alerts'],
        querystring: z.strictObject({
          status: z.enum(alertStatuses).optional(),
          severity: z.enum(alertSeverities).optional(),
          type: z.string().min(1).max(100).optional().describe('e.g. payout_stale'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().min(1).max(200).optional(),
        }),
        response: { 200: z.object({ data: z.array(alertResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const page = await listAlerts(database.db, request.query);
      const now = clock.now();
      return { data: page.data.map((alert) => toAlertResource(alert, now, requestLocale(request))), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/admin/alerts/:id/acknowledge',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Acknowledge an open alert: someone is on it',
        description: `OPEN → ACKNOWLEDGED. Audited (\`alert.acknowledged\`). ${conflicts}`,
        tags: ['admin', 'alerts'],
        params,
        response: { 200: alertResource, '4xx': errorReplySchema },
      },
    },
    async (request) => toAlertResource(await acknowledgeAlert(database.db, { id: request.params.id, actor: request.principal!.actor }, { clock }), clock.now(), requestLocale(request)),
  );

  app.post(
    '/api/admin/alerts/:id/resolve',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Resolve an alert, saying what was done',
        description: `OPEN or ACKNOWLEDGED → RESOLVED. \`note\` is required (400 ALERT_NOTE_REQUIRED; at most ${MAX_NOTE_LENGTH} characters, ALERT_NOTE_TOO_LONG). Audited (\`alert.resolved\`). ${conflicts}`,
        tags: ['admin', 'alerts'],
        params,
        body: z.strictObject({ note: z.string().max(10_000).optional() }),
        response: { 200: alertResource, '4xx': errorReplySchema },
      },
    },
    async (request) => toAlertResource(await resolveAlert(database.db, { id: request.params.id, actor: request.principal!.actor, note: request.body.note ?? '' }, { clock }), clock.now(), requestLocale(request)),
  );

  app.post(
    '/api/admin/alerts/:id/snooze',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Snooze an alert until a time',
        description:
          `The status stays; if the condition is still found after \`until\`, the admins are reminded once. \`until\` is an ISO 8601 instant with its offset, ahead of now ` +
          `(400 ALERT_SNOOZE_NOT_IN_FUTURE) and at most ${MAX_SNOOZE_DAYS} days ahead (400 ALERT_SNOOZE_TOO_LONG). 409 ALERT_ALREADY_RESOLVED for a resolved alert. Audited (\`alert.snoozed\`).`,
        tags: ['admin', 'alerts'],
        params,
        body: z.strictObject({ until: z.iso.datetime({ offset: true }) }),
        response: { 200: alertResource, '4xx': errorReplySchema },
      },
    },
    async (request) =>
      toAlertResource(await snoozeAlert(database.db, { id: request.params.id, actor: request.principal!.actor, until: new Date(request.body.until) }, { clock }), clock.now(), requestLocale(request)),
  );
}
