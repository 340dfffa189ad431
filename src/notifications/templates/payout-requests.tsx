import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph, Quote } from './layout.js';
import type { LocaleFormat } from './locale-format.js';

/** `payout.requested`: the creator's request was created, waiting for an admin (PENDING) or for review (PENDING_APPROVAL). */
export const payoutRequested = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Payout request of ${amount} received`,
      title: 'Payout requested',
      created: (amount: string) => `Your payout request of ${amount} was created successfully.`,
      next: 'It will be sent to your Stripe account once it has been processed.',
      review: 'Our team will review it before it is sent.',
      labels: { amount: 'Amount', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Demande de paiement de ${amount} reçue`,
      title: 'Demande de paiement créée',
      created: (amount) => `Votre demande de paiement de ${amount} a été créée avec succès.`,
      next: 'Elle sera versée sur votre compte Stripe dès qu’elle aura été traitée.',
      review: 'Elle sera vérifiée par notre équipe avant d’être envoyée.',
      labels: { amount: 'Montant', reference: 'Référence' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const body = `${t.created(amount)} ${fields.text('status') === 'PENDING_APPROVAL' ? t.review : t.next}`;
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payout.approved`: an admin approved a flagged request (with optional `notes`); it is being sent. */
export const payoutApproved = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Your payout request of ${amount} was approved`,
      title: 'Payout approved',
      body: (amount: string) => `Our team approved your payout request of ${amount}. It is now being sent to your Stripe account.`,
      notesIntro: 'A note from our team:',
      notesInline: (notes: string) => `Note from our team: “${notes}”`,
      labels: { amount: 'Amount', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Votre demande de paiement de ${amount} a été approuvée`,
      title: 'Paiement approuvé',
      body: (amount) => `Notre équipe a approuvé votre demande de paiement de ${amount}. Le paiement est en cours d’envoi vers votre compte Stripe.`,
      notesIntro: 'Message de notre équipe :',
      notesInline: (notes) => `Message de notre équipe : « ${notes} »`,
      labels: { amount: 'Montant', reference: 'Référence' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const notes = fields.text('notes');
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body: notes ? `${body} ${t.notesInline(notes)}` : body,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {notes && (
            <>
              <Paragraph>{t.notesIntro}</Paragraph>
              <Quote>{notes}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payout.rejected`: an admin refused the request; `reason` holds their notes, which the creator must see. */
export const payoutRejected = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Your payout request of ${amount} was declined`,
      title: 'Payout request declined',
      body: (amount: string) => `Our team declined your payout request of ${amount}.`,
      reasonInline: (reason: string) => `Reason: “${reason}”`,
      noReasonInline: 'No reason was given.',
      reasonIntro: 'The reason given by our team:',
      moneyBack: 'The amount is back in your available balance. You can request a payout again once the issue is resolved.',
      labels: { amount: 'Amount', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Votre demande de paiement de ${amount} a été refusée`,
      title: 'Demande de paiement refusée',
      body: (amount) => `Notre équipe a refusé votre demande de paiement de ${amount}.`,
      reasonInline: (reason) => `Motif : « ${reason} »`,
      noReasonInline: 'Aucun motif n’a été indiqué.',
      reasonIntro: 'Le motif indiqué par notre équipe :',
      moneyBack: 'Le montant est de nouveau dans votre solde disponible. Vous pourrez demander un paiement une fois le problème réglé.',
      labels: { amount: 'Montant', reference: 'Référence' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const reason = fields.text('reason') ?? fields.text('notes');
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body: `${body} ${reason ? t.reasonInline(reason) : t.noReasonInline}`,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason ? (
            <>
              <Paragraph>{t.reasonIntro}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          ) : (
            <Paragraph>{t.noReasonInline}</Paragraph>
          )}
          <Paragraph>{t.moneyBack}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payout.cancelled`: the request was withdrawn before it was sent (not by a review: that is `payout.rejected`). */
export const payoutCancelled = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Your payout request of ${amount} was cancelled`,
      title: 'Payout request cancelled',
      body: (amount: string) => `Your payout request of ${amount} was cancelled before it was sent. The amount is back in your available balance.`,
      labels: { amount: 'Amount', reason: 'Reason', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Votre demande de paiement de ${amount} a été annulée`,
      title: 'Demande de paiement annulée',
      body: (amount) => `Votre demande de paiement de ${amount} a été annulée avant son envoi. Le montant est de nouveau dans votre solde disponible.`,
      labels: { amount: 'Montant', reason: 'Motif', reference: 'Référence' },
      action: 'Voir le paiement',
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
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.reason, fields.text('reason')],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payout.scheduled`: the creator's weekly or monthly schedule created a payout (`period`: `weekly:2026-11-23`, `monthly:2026-12`). */
export const payoutScheduled = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Scheduled payout of ${amount} created`,
      title: 'Scheduled payout created',
      body: (amount: string, schedule: string | null) =>
        `Your ${schedule ? `${schedule} ` : ''}payout schedule created a payout of ${amount}. It will be sent to your Stripe account once it has been processed.`,
      schedules: { weekly: 'weekly', monthly: 'monthly' } as Record<string, string>,
      week: (day: string) => `Week of ${day}`,
      labels: { amount: 'Amount', period: 'Period', reference: 'Reference' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Paiement programmé de ${amount} créé`,
      title: 'Paiement programmé créé',
      body: (amount, schedule) =>
        `Votre calendrier de paiements${schedule ? ` ${schedule}` : ''} a créé un paiement de ${amount}. Il sera versé sur votre compte Stripe dès qu’il aura été traité.`,
      schedules: { weekly: 'hebdomadaire', monthly: 'mensuel' },
      week: (day) => `Semaine du ${day}`,
      labels: { amount: 'Montant', period: 'Période', reference: 'Référence' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const schedule = fields.text('schedule');
    const body = t.body(amount, schedule !== null && Object.hasOwn(t.schedules, schedule) ? (t.schedules[schedule] ?? null) : null);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.period, periodName(fields.text('period'), format, t.week)],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** A schedule period key in words: `weekly:2026-11-23` → "Week of November 23, 2026", `monthly:2026-12` → "December 2026"; anything else as is. */
function periodName(key: string | null, format: LocaleFormat, week: (day: string) => string): string | null {
  if (key === null) return null;
  const [kind, start] = key.split(':');
  if (kind === 'weekly' && start && /^\d{4}-\d{2}-\d{2}$/.test(start)) {
    const day = format.date(`${start}T00:00:00Z`);
    if (day) return week(day);
  }
  if (kind === 'monthly' && start && /^\d{4}-\d{2}$/.test(start)) return format.month(`${start}-01T00:00:00Z`) ?? key;
  return key;
}
