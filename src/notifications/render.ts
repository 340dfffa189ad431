import { plainTextSelectors } from '@react-email/render';
import { compile } from 'html-to-text';
import { renderToStaticMarkup } from 'react-dom/server';
import type { NotificationLocale, Topic } from './catalog.js';
import { composeEmail } from './templates/compose-message.js';
import { templates } from './templates/index.js';

export interface RenderContext {
  /** Where the dashboards are served, e.g. `https://payouts.example.com` (trailing slashes are ignored). */
  appUrl: string;
  locale: NotificationLocale;
  recipient: { name: string | null; role: 'ADMIN' | 'CREATOR' | 'CUSTOMER' };
  /** One-click unsubscribe URL for non-critical email; null: none (critical, or in-app only). */
  unsubscribeUrl: string | null;
}

export interface RenderedMessage {
  /** `[CRITICAL] …` / `[WARNING] …` per `severityOf(topic, payload)`; plain otherwise. */
  subject: string;
  /** A whole HTML document, `<html lang>` = the locale. */
  html: string;
  /** The same email as plain text. */
  text: string;
  /** In-app title; says "critical" in words when the message is. */
  title: string;
  /** In-app body: one or two sentences. */
  body: string;
  /** Absolute URL of the most relevant dashboard page, or null (customers have no dashboard). */
  link: string | null;
}

/**
 * react-email's `toPlainText` with its options compiled once: `toPlainText` compiles its selectors
 * on every call, which was a sixth of the delivery worker's CPU (bench/notifications.ts).
 */
const toPlainText = compile({ wordwrap: false, selectors: plainTextSelectors });

/** The document type react-email's `render` puts before the markup. */
const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/**
 * One outbox message as its recipient reads it: the email (subject, HTML, plain text) and the
 * in-app notification (title, body, link), in their language. A payload missing fields, or with
 * odd ones, still renders: the message says less (templates/payload-fields.ts).
 *
 * Speed (the delivery worker aims at ≥ 300 emails/s on 2 cores): the react-email document is
 * rendered with React's synchronous `renderToStaticMarkup` rather than react-email's streaming
 * `render` (3× slower here, for the same markup less React's stream markers), and the text is
 * derived from that HTML exactly as `render(…, { plainText: true })` derives it, instead of
 * rendering a second time. render.test.ts holds both equalities.
 * @example
 * const message = await renderMessage('payout.paid', { payoutId: 'po_1', amount: '12600', currency: 'eur' },
 *   { appUrl: 'https://payouts.example.com', locale: 'fr', recipient: { name: 'Zoé', role: 'CREATOR' }, unsubscribeUrl: null });
 * message.subject; // 'Paiement de 126,00 € transféré avec succès'
 * message.link;    // 'https://payouts.example.com/dashboard/creator/payouts/po_1'
 */
export async function renderMessage(topic: Topic, payload: Record<string, unknown>, context: RenderContext): Promise<RenderedMessage> {
  const composed = composeEmail(topic, payload, context);
  const html = `${DOCTYPE}${renderToStaticMarkup(composed.email)}`;
  return { subject: composed.subject, html, text: toPlainText(html), title: composed.title, body: composed.body, link: composed.link };
}

/** True when a topic has a template in the given locale (for the completeness test and the delivery worker). */
export function hasTemplate(topic: string, locale: string): boolean {
  return Object.hasOwn(templates, topic) && templates[topic as Topic].hasLocale(locale);
}
