import type { DbExecutor } from '../../db/database.js';
import { auditEvents } from '../../db/schema/index.js';

export interface AuditEventInput {
  actor: string;
  action: string;
  subjectType: 'payment' | 'payout' | 'creator' | 'user' | 'api_key' | 'webhook_event' | 'notification' | 'alert' | 'reconciliation_item';
  subjectId: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  amount?: bigint | null;
  currency?: string | null;
  reason?: string | null;
  metadata?: Record<string, unknown>;
  at: Date;
}

/** Append an audit event in the caller's transaction: it exists exactly when the change does. */
export async function recordAuditEvent(tx: DbExecutor, event: AuditEventInput): Promise<void> {
  await auditEventInsert(tx, event);
}

/**
 * The INSERT of one audit event, not yet run: await it, or embed it as a data-modifying CTE
 * (`sql\`with audit as (${auditEventInsert(tx, event).getSQL()}) …\``) so that it costs no round trip of its own.
 */
export function auditEventInsert(tx: DbExecutor, event: AuditEventInput) {
  return tx.insert(auditEvents).values({
    actor: event.actor,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    amount: event.amount ?? null,
    currency: event.currency ?? null,
    reason: event.reason ?? null,
    metadata: event.metadata ?? {},
    createdAt: event.at,
  });
}
