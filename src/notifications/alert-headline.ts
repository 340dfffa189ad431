import type { NotificationLocale, Topic } from './catalog.js';
import { composeTopic } from './templates/compose-message.js';
import { templates } from './templates/index.js';

/**
 * An alert in its reader's language: the subject of the notification its topic (`alert.<type>`)
 * sends, without the severity tag, from the alert's details (the notification's payload). Null
 * for a type with no template: show its stored subject (the service's words, English).
 * @example
 * alertHeadline('payout_stale', { amount: '12600', currency: 'eur' }, 'fr'); // 'Paiement de 126,00 € bloqué en traitement'
 */
export function alertHeadline(type: string, details: Record<string, unknown>, locale: NotificationLocale): string | null {
  const topic = `alert.${type}`;
  if (!Object.hasOwn(templates, topic)) return null;
  return composeTopic(topic as Topic, typeof details === 'object' && details !== null ? details : {}, locale, 'ADMIN').subject;
}
