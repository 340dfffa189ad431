import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { apiKeys } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import type { ApiKeyRole } from './create-api-key.js';

/** An API key as lists show it: everything but its hash (the key itself is never stored). */
export interface ApiKeySummary {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The key's first characters (`pk_platform_3q9x`), to tell which key a client holds. */
  prefix: string;
  createdAt: Date;
  /** Accurate to a minute (`LAST_USED_PRECISION_SECONDS`); null when never used. */
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** An API key as the API and the CLI print it (JSON: dates as ISO strings). */
export function apiKeyJson(key: ApiKeySummary) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    status: key.revokedAt ? ('revoked' as const) : ('active' as const),
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

const summaryColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/**
 * Every API key, newest first; `status` keeps only live (`active`) or `revoked` ones. Keys are
 * few (one per host backend or operator), so the list is not paged.
 */
export async function listApiKeys(db: DbExecutor, filter: { status?: 'active' | 'revoked' } = {}): Promise<ApiKeySummary[]> {
  const where = filter.status === 'active' ? isNull(apiKeys.revokedAt) : filter.status === 'revoked' ? isNotNull(apiKeys.revokedAt) : undefined;
  return db.select(summaryColumns).from(apiKeys).where(where).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export interface RevokeApiKeyResult {
  apiKey: ApiKeySummary;
  /** True when the key was already revoked before this call: nothing changed. */
  alreadyRevoked: boolean;
}

/**
 * Revoke an API key: from the commit on, every request with it is refused (401), since each
 * request looks the key up. Idempotent — revoking a revoked key changes nothing and reports
 * `alreadyRevoked` — and safe under concurrency: the conditional update lets one of two
 * simultaneous calls revoke, and only that one writes the `api_key.revoked` audit event.
 *
 * @throws AppError API_KEY_NOT_FOUND (404)
 */
export async function revokeApiKey(
  tx: DbExecutor,
  input: { id: string; actor: Actor; reason?: string | undefined },
  context: Pick<ServiceContext, 'clock'>,
): Promise<RevokeApiKeyResult> {
  const now = context.clock.now();
  const [revoked] = await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, input.id), isNull(apiKeys.revokedAt)))
    .returning(summaryColumns);
  if (revoked) {
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'api_key.revoked',
      subjectType: 'api_key',
      subjectId: revoked.id,
      fromStatus: 'active',
      toStatus: 'revoked',
      reason: input.reason?.trim() || null,
      metadata: { role: revoked.role, name: revoked.name, prefix: revoked.prefix },
      at: now,
    });
    return { apiKey: revoked, alreadyRevoked: false };
  }
  const [existing] = await tx.select(summaryColumns).from(apiKeys).where(eq(apiKeys.id, input.id));
  if (!existing) throw new AppError('API_KEY_NOT_FOUND', `No API key ${input.id}`, { kind: 'not_found' });
  return { apiKey: existing, alreadyRevoked: true };
}
