import type { ReactNode } from 'react';
import type { NotificationLocale } from '../catalog.js';
import type { LocaleFormat } from './locale-format.js';
import type { PayloadFields } from './payload-fields.js';

/**
 * One topic's strings in every language of the catalog. The English object fixes the shape and
 * every other language must match it, so a missing language or a missing string is a type error
 * (and adding a language to `notificationLocales` breaks every template until it is translated).
 */
export type Localized<S> = { en: S } & { [L in Exclude<NotificationLocale, 'en'>]: NoInfer<S> };

/** Who reads the message: a template may word it for them (the dashboard links differ too). */
export type RecipientRole = 'ADMIN' | 'CREATOR' | 'CUSTOMER';

/** What a template knows of the message being rendered, besides the payload. */
export interface TemplateContext {
  locale: NotificationLocale;
  role: RecipientRole;
  format: LocaleFormat;
}

/**
 * A message in one language before the layout wraps it. `subject` has no severity tag and
 * `title` no "critical" wording: `composeEmail` adds them from the catalog, so they cannot
 * disagree with `severityOf`.
 */
export interface ComposedMessage {
  subject: string;
  /** In-app title; also the email's heading. */
  title: string;
  /** In-app body, one or two sentences; also the email's preview line. */
  body: string;
  /** Dashboard path (`/dashboard/…`) of the most relevant page, or null when there is none. */
  path: string | null;
  /** Label of the email's button to `path`. */
  action: string | null;
  /** The email's content between the greeting and the button. */
  content: ReactNode;
}

export interface TemplateDefinition<S> {
  strings: Localized<S>;
  /** The message in the recipient's language, `strings` being that language's. */
  compose(fields: PayloadFields, strings: S, context: TemplateContext): ComposedMessage;
}

/** A topic's template with its strings sealed in: what the registry holds and `renderMessage` calls. */
export interface TopicTemplate {
  hasLocale(locale: string): boolean;
  compose(fields: PayloadFields, context: TemplateContext): ComposedMessage;
}

/**
 * A topic's template: its strings per language and how a payload becomes a message. `compose`
 * gets the strings of the recipient's language; it reads the payload through `PayloadFields`,
 * which never throws, so a payload missing a field still renders.
 * @example
 * export const payoutPaid = defineTemplate({
 *   strings: { en: { subject: (amount: string) => `Your payout of ${amount} was sent`, … }, fr: { … } },
 *   compose: (fields, t) => ({ subject: t.subject(fields.money()), … }),
 * });
 */
export function defineTemplate<S>(definition: TemplateDefinition<S>): TopicTemplate {
  return {
    hasLocale: (locale) => Object.hasOwn(definition.strings, locale),
    compose: (fields, context) => definition.compose(fields, definition.strings[context.locale], context),
  };
}
