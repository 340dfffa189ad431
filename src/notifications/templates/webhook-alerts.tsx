import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph, Quote } from './layout.js';

/** `alert.webhook_retries_exhausted` (warning), to admins: a Stripe event failed on every automatic retry; only a manual retry remains. */
export const alertWebhookRetriesExhausted = defineTemplate({
  strings: {
    en: {
      subject: (type: string | null, attempts: number | null) => `Stripe event${type ? ` ${type}` : ''} failed${attempts ? ` after ${attempts} attempts` : ''}`,
      title: 'Stripe event not processed',
      body: (type: string | null, attempts: number | null) =>
        `The Stripe event${type ? ` ${type}` : ''} failed${attempts ? ` ${attempts} times` : ''} and will not be retried automatically. Retry it by hand once the cause is fixed.`,
      error: 'The last error:',
      labels: { type: 'Event type', event: 'Event', attempts: 'Attempts' },
      action: 'Open the dashboard',
    },
    fr: {
      subject: (type, attempts) => `Échec de l’événement Stripe${type ? ` ${type}` : ''}${attempts ? ` après ${attempts} tentatives` : ''}`,
      title: 'Événement Stripe non traité',
      body: (type, attempts) =>
        `L’événement Stripe${type ? ` ${type}` : ''} a échoué${attempts ? ` ${attempts} fois` : ''} et ne sera plus retenté automatiquement. Relancez-le manuellement une fois la cause corrigée.`,
      error: 'La dernière erreur :',
      labels: { type: 'Type d’événement', event: 'Événement', attempts: 'Tentatives' },
      action: 'Ouvrir le tableau de bord',
    },
  },
  compose(fields, t, { locale, format }) {
    const type = fields.text('type');
    const attempts = fields.count('attempts');
    const error = fields.text('error');
    const body = t.body(type, attempts);
    return {
      subject: t.subject(type, attempts),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {error && (
            <>
              <Paragraph>{t.error}</Paragraph>
              <Quote>{error}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.type, type],
              [t.labels.event, fields.text('eventId')],
              [t.labels.attempts, attempts === null ? null : format.count(attempts)],
            ]}
          />
        </>
      ),
    };
  },
});
