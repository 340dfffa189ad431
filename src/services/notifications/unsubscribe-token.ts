import { createHmac, timingSafeEqual } from 'node:crypto';
import { isNotificationCategory } from './preferences.js';
import type { NotificationCategory } from '../../notifications/catalog.js';

/** What a one-click unsubscribe link carries: whose email, which category, from which message. */
export interface UnsubscribeClaims {
  userId: string;
  category: NotificationCategory;
  /** The outbox message whose email carried the link: each email's link is its own token. */
  outboxId: string;
}

/** `base64url(JSON).base64url(HMAC-SHA256)`, signed with the service's `unsubscribe` key. */
export function signUnsubscribeToken(key: Buffer, claims: UnsubscribeClaims): string {
  const body = Buffer.from(JSON.stringify({ u: claims.userId, c: claims.category, m: claims.outboxId })).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

/** The claims of a token this service signed; null for anything else (compared in constant time). */
export function verifyUnsubscribeToken(key: Buffer, token: string): UnsubscribeClaims | null {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { u?: unknown; c?: unknown; m?: unknown };
    if (typeof parsed.u !== 'string' || typeof parsed.m !== 'string' || !isNotificationCategory(parsed.c)) return null;
    return { userId: parsed.u, category: parsed.c, outboxId: parsed.m };
  } catch {
    return null;
  }
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(`unsubscribe:${body}`).digest('base64url');
}
