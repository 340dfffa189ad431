import { createElement, type ReactElement } from 'react';
import { isNotificationLocale, severityOf, topics, type NotificationLocale, type Topic, type TopicSpec } from '../catalog.js';
import type { RenderContext } from '../render.js';
import type { ComposedMessage, Localized, RecipientRole } from './define-template.js';
import { templates } from './index.js';
import { EmailLayout } from './layout.js';
import { localeFormat } from './locale-format.js';
import { PayloadFields } from './payload-fields.js';

/** Everything of a message but the email's markup as a string: what `renderMessage` turns into HTML and text. */
export interface ComposedEmail {
  subject: string;
  title: string;
  body: string;
  link: string | null;
  /** The whole email document (react-email components). */
  email: ReactElement;
}

/**
 * The subject tag of alerts. Not translated: mail filters and on-call rules match it, and seed
 * 002 writes it this way (`[CRITICAL] Critical: Platform Balance Below Minimum Threshold`).
 */
const subjectTag: Record<TopicSpec['severity'], string> = { critical: '[CRITICAL] ', warning: '[WARNING] ', info: '' };

/** The in-app title of a critical message says so in words (it has no subject tag). */
const criticalTitle: Localized<(title: string) => string> = {
  en: (title) => `Critical: ${title}`,
  fr: (title) => `Urgent : ${title}`,
};

/** A topic's template applied to a payload in one language, before the layout wraps it (its subject untagged). */
export function composeTopic(topic: Topic, payload: Record<string, unknown>, locale: NotificationLocale, role: RecipientRole): ComposedMessage {
  return templates[topic].compose(new PayloadFields(payload, locale), { locale, role, format: localeFormat(locale) });
}

/**
 * A topic's template applied to a payload in the recipient's language, inside the shared
 * layout. Severity (subject tag, in-app wording, banner, no unsubscribe promise) comes from the
 * catalog through `severityOf`, never from the template, so the two cannot disagree.
 */
export function composeEmail(topic: Topic, payload: Record<string, unknown>, context: RenderContext): ComposedEmail {
  // The worker only passes catalog languages; anything else (a stale stored tag) reads English rather than failing.
  const locale = isNotificationLocale(context.locale) ? context.locale : 'en';
  const role = context.recipient.role;
  const safePayload = typeof payload === 'object' && payload !== null ? payload : {};
  const composed = composeTopic(topic, safePayload, locale, role);
  const severity = severityOf(topic, safePayload);
  const link = composed.path === null ? null : `${context.appUrl.trim().replace(/\/+$/, '')}${composed.path}`;
  const email = createElement(EmailLayout, {
    locale,
    role,
    category: topics[topic].category,
    severity,
    recipientName: context.recipient.name?.trim() || null,
    title: composed.title,
    preview: composed.body,
    content: composed.content,
    action: link !== null && composed.action !== null ? { label: composed.action, url: link } : null,
    unsubscribeUrl: context.unsubscribeUrl,
  });
  return {
    subject: `${subjectTag[severity]}${composed.subject}`,
    title: severity === 'critical' ? criticalTitle[locale](composed.title) : composed.title,
    body: composed.body,
    link,
    email,
  };
}
