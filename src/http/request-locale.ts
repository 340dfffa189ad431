import type { FastifyRequest } from 'fastify';
import type { NotificationLocale } from '../notifications/catalog.js';

/**
 * The language of a reply's words: `fr` when the request's `Accept-Language` puts French first,
 * else English. The web app sends the language its pages are in (src/web/api/client.ts), so a
 * choice made on the page wins over the browser's.
 */
export function requestLocale(request: FastifyRequest): NotificationLocale {
  return /^\s*fr\b/i.test(String(request.headers['accept-language'] ?? '')) ? 'fr' : 'en';
}
