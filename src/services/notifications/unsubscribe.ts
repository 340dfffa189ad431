import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { unsubscribeTokenUses } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { NotificationCategory } from '../../notifications/catalog.js';
import type { Clock } from '../../providers/clock/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { setEmailPreference } from './preferences.js';
import { serviceSecret } from './service-secret.js';
import { verifyUnsubscribeToken } from './unsubscribe-token.js';

/**
 * The one-click unsubscribe of an email (issue 13 §4): turn that category's email off for its
 * recipient. A token works once: the use and the preference are written together.
 *
 * @throws AppError UNSUBSCRIBE_LINK_INVALID (400) for a token this service did not sign,
 *   UNSUBSCRIBE_LINK_USED (409) for one already used
 */
export async function useUnsubscribeToken(db: Db, input: { token: string }, context: { clock: Clock }): Promise<{ category: NotificationCategory; email: false }> {
  const key = await serviceSecret(db, 'unsubscribe', context.clock);
  const claims = verifyUnsubscribeToken(key, input.token);
  if (!claims) throw new AppError('UNSUBSCRIBE_LINK_INVALID', 'This unsubscribe link is not valid. Change your email preferences from the dashboard instead.', { kind: 'invalid' });
  const now = context.clock.now();
  return db.transaction(async (tx) => {
    const [used] = await tx
      .insert(unsubscribeTokenUses)
      .values({ tokenHash: createHash('sha256').update(input.token).digest('hex'), userId: claims.userId, category: claims.category, usedAt: now })
      .onConflictDoNothing()
      .returning({ usedAt: unsubscribeTokenUses.usedAt });
    if (!used) {
      throw new AppError('UNSUBSCRIBE_LINK_USED', 'This unsubscribe link was already used. Change your email preferences from the dashboard.', {
        kind: 'conflict',
        details: { category: claims.category },
      });
    }
    await setEmailPreference(tx, { userId: claims.userId, category: claims.category, email: false, at: now });
    await recordAuditEvent(tx, {
      actor: `user:${claims.userId}`,
      action: 'notifications.unsubscribed',
      subjectType: 'user',
      subjectId: claims.userId,
      metadata: { category: claims.category, outboxId: claims.outboxId, via: 'unsubscribe_link' },
      at: now,
    });
    return { category: claims.category, email: false as const };
  });
}
