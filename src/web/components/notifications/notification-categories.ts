import type { NotificationCategory } from '../../api/notifications';

/**
 * The email categories a person of each role can receive (src/notifications/catalog.ts): creators
 * hear about their earnings, payouts, refunds and disputes; admins about the approval queue and
 * alerts. The preferences form shows only these (the API lists every category for everyone).
 */
export const CATEGORIES_BY_ROLE: Record<'ADMIN' | 'CREATOR', readonly NotificationCategory[]> = {
  CREATOR: ['payments', 'payouts', 'refunds_disputes'],
  ADMIN: ['payouts', 'alerts'],
};

const CATEGORIES: readonly string[] = ['payments', 'payouts', 'refunds_disputes', 'alerts'] satisfies NotificationCategory[];

export function isNotificationCategory(value: unknown): value is NotificationCategory {
  return typeof value === 'string' && CATEGORIES.includes(value);
}

/**
 * The category an unsubscribe token names, read from its first part (base64url JSON `{u, c, m}`)
 * only to say which emails will stop: the service verifies the token's signature. Undefined when
 * the token cannot be read that way (it is then certainly not one the service made).
 */
export function categoryOfUnsubscribeToken(token: string): NotificationCategory | undefined {
  const [body] = token.split('.');
  if (!body) return undefined;
  try {
    const base64 = body.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (char) => char.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    const category = claims !== null && typeof claims === 'object' && 'c' in claims ? claims.c : undefined;
    return isNotificationCategory(category) ? category : undefined;
  } catch {
    return undefined;
  }
}
