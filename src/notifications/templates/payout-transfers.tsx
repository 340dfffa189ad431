import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph, Quote } from './layout.js';

/** `payout.paid`: the money reached the creator's Stripe account (and their bank, where the service drives the bank payout). */
export const payoutPaid = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Payout of ${amount} transferred successfully`,
      title: 'Payout sent',
      body: (amount: string) => `Your payout of ${amount} has been transferred to your Stripe account.`,
      bank: 'Stripe then pays it out to your bank account on your Stripe payout schedule.',
      labels: { amount: 'Amount', transfer: 'Stripe transfer', reference: 'Reference' },
      action: 'View the statement',
    },
    fr: {
      subject: (amount) => `Paiement de ${amount} transféré avec succès`,
      title: 'Paiement envoyé',
      body: (amount) => `Votre paiement de ${amount} a été transféré sur votre compte Stripe.`,
      bank: 'Stripe le verse ensuite sur votre compte bancaire selon votre calendrier de virements Stripe.',
      labels: { amount: 'Montant', transfer: 'Virement Stripe', reference: 'Référence' },
      action: 'Voir le relevé',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Paragraph>{t.bank}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.transfer, fields.text('transferId')],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payout.retrying`: an attempt failed with a retryable error; the retry sweep tries again at `nextRetryAt`. */
export const payoutRetrying = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Your payout of ${amount} is delayed`,
      title: 'Payout delayed',
      body: (amount: string, attempt: number | null, nextRetryAt: string | null) =>
        `Sending your payout of ${amount} failed${attempt ? ` (attempt ${attempt})` : ''}. We will try again automatically ${nextRetryAt ? `on ${nextRetryAt}` : 'shortly'}; you don’t need to do anything.`,
      stripeSaid: 'What Stripe reported:',
      labels: { amount: 'Amount', nextRetry: 'Next attempt', code: 'Error code', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Votre paiement de ${amount} est retardé`,
      title: 'Paiement retardé',
      body: (amount, attempt, nextRetryAt) =>
        `L’envoi de votre paiement de ${amount} a échoué${attempt ? ` (tentative n° ${attempt})` : ''}. Nous réessaierons automatiquement ${nextRetryAt ? `le ${nextRetryAt}` : 'sous peu'} ; vous n’avez rien à faire.`,
      stripeSaid: 'Ce que Stripe a indiqué :',
      labels: { amount: 'Montant', nextRetry: 'Prochaine tentative', code: 'Code d’erreur', reference: 'Référence' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const nextRetryAt = fields.dateTimeOrNull('nextRetryAt');
    const reason = fields.text('reason');
    const body = t.body(amount, fields.count('attempt'), nextRetryAt);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason && (
            <>
              <Paragraph>{t.stripeSaid}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.nextRetry, nextRetryAt],
              [t.labels.code, fields.text('code')],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payout.failed`: the payout failed for good; its money is back in the creator's available balance. */
export const payoutFailed = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Your payout of ${amount} could not be sent`,
      title: 'Payout failed',
      body: (amount: string) => `Your payout of ${amount} could not be sent. The amount is back in your available balance.`,
      stripeSaid: 'What Stripe reported:',
      next: 'Check the details of your Stripe account, then request the payout again.',
      labels: { amount: 'Amount', code: 'Error code', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Votre paiement de ${amount} n’a pas pu être envoyé`,
      title: 'Échec du paiement',
      body: (amount) => `Votre paiement de ${amount} n’a pas pu être envoyé. Le montant est de nouveau dans votre solde disponible.`,
      stripeSaid: 'Ce que Stripe a indiqué :',
      next: 'Vérifiez les informations de votre compte Stripe, puis demandez à nouveau le paiement.',
      labels: { amount: 'Montant', code: 'Code d’erreur', reference: 'Référence' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const reason = fields.text('reason');
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason && (
            <>
              <Paragraph>{t.stripeSaid}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          )}
          <Paragraph>{t.next}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.code, fields.text('code')],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});
