import { randomBytes } from 'node:crypto';
import type { DbExecutor } from '../../db/database.js';
import { apiKeys } from '../../db/schema/index.js';
import { newId } from '../../domain/ids.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { digestSecret } from '../auth/secret-digest.js';
import type { Actor, ServiceContext } from '../context.js';

export type ApiKeyRole = 'ADMIN' | 'PLATFORM';

export interface CreateApiKeyInput {
  role: ApiKeyRole;
  /** What the key is for, e.g. "host platform backend". */
  name: string;
  actor: Actor;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The first characters of the key, stored to recognise it in a list. */
  prefix: string;
  createdAt: Date;
  /** The key itself. Only its SHA-256 is stored: this is the one time anyone sees it. */
  key: string;
}

/** Length of the stored prefix: `pk_platform_` plus 4 random characters. */
const PREFIX_RANDOM_CHARACTERS = 4;

/**
 * Create an ADMIN or PLATFORM API key: `pk_admin_…` / `pk_platform_…` followed by 32 random
 * bytes (base64url). Stores its SHA-256 and an audit event in the caller's transaction and
 * returns the key once.
 *
 * @example
 * const { id, key } = await createApiKey(tx, { role: 'PLATFORM', name: 'shop backend', actor: 'cli' }, { clock });
 * // key: 'pk_platform_Qm9…' (55 characters)
 */
export async function createApiKey(tx: DbExecutor, input: CreateApiKeyInput, context: Pick<ServiceContext, 'clock'>): Promise<CreatedApiKey> {
  const scheme = `pk_${input.role.toLowerCase()}_`;
  const key = scheme + randomBytes(32).toString('base64url');
  const created = {
    id: newId('key'),
    name: input.name.trim(),
    role: input.role,
    prefix: key.slice(0, scheme.length + PREFIX_RANDOM_CHARACTERS),
    createdAt: context.clock.now(),
  };
  await tx.insert(apiKeys).values({ ...created, keyHash: digestSecret(key) });
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: 'api_key.created',
    subjectType: 'api_key',
    subjectId: created.id,
    metadata: { role: created.role, name: created.name, prefix: created.prefix },
    at: created.createdAt,
  });
  return { ...created, key };
}
