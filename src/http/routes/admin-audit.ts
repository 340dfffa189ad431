import { z } from 'zod';
import { auditSubjectTypes, listAuditEvents, type AuditEvent } from '../../services/audit/list-audit-events.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { minorUnits } from '../resources/payment.js';

export const auditEventResource = z.object({
  id: z.string().describe('Increasing in the order events were written'),
  actor: z.string().describe('Who: `user:<id>`, `api_key:<id>`, `stripe`, `system:<job>`, `cron`'),
  action: z.string().describe('e.g. payout.created, payout.processing, payout.paid, payout.failed, payout.retry_scheduled, payment.released'),
  subjectType: z.string(),
  subjectId: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  amount: z.number().int().nullable().describe('Minor units'),
  currency: z.string().nullable().describe('Lower-case ISO 4217'),
  reason: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string().describe('When (the service clock)'),
});

export function toAuditEventResource(event: AuditEvent): z.infer<typeof auditEventResource> {
  return {
    id: String(event.id),
    actor: event.actor,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    amount: event.amount === null ? null : minorUnits(event.amount),
    currency: event.currency,
    reason: event.reason,
    metadata: event.metadata,
    createdAt: event.createdAt.toISOString(),
  };
}

/** The audit trail (DESIGN.md §4, issue 5 §7): every money-relevant change, who made it, from which state to which. */
export async function adminAuditRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/audit',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Audit events, newest first, filtered by subject, actor and action',
        description:
          '`action` is exact (`payout.paid`) or a prefix ending in `.*` (`payout.*`). A payout\'s history: `?subjectType=payout&subjectId=po_…`. ' +
          'Amounts are minor units, as everywhere in the API.',
        tags: ['admin', 'audit'],
        querystring: z.strictObject({
          subjectType: z.enum(auditSubjectTypes).optional(),
          subjectId: z.string().min(1).max(255).optional(),
          actor: z.string().min(1).max(255).optional(),
          action: z.string().min(1).max(100).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().min(1).max(500).optional(),
        }),
        response: { 200: z.object({ data: z.array(auditEventResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const page = await listAuditEvents(app.deps.database.db, request.query);
      return { data: page.data.map(toAuditEventResource), nextCursor: page.nextCursor };
    },
  );
}
