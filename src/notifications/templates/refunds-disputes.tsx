import type { NotificationLocale } from '../catalog.js';
import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate, type Localized } from './define-template.js';
import { Details, Paragraph } from './layout.js';

/** Stripe's dispute reasons in words; an unknown one is shown as Stripe's code. */
const disputeReasons: Localized<Record<string, string>> = {
  en: {
    fraudulent: 'Fraud: the cardholder says they did not authorise the payment',
    product_not_received: 'Service not received',
    product_unacceptable: 'Service not as described',
    duplicate: 'Charged twice',
    credit_not_processed: 'Refund promised but not made',
    subscription_canceled: 'Subscription cancelled',
    unrecognized: 'Payment not recognised',
    general: 'Other reason',
  },
  fr: {
    fraudulent: 'Fraude : le titulaire de la carte dit ne pas avoir autorisé le paiement',
    product_not_received: 'Prestation non reçue',
    product_unacceptable: 'Prestation non conforme',
    duplicate: 'Débité deux fois',
    credit_not_processed: 'Remboursement promis mais non effectué',
    subscription_canceled: 'Abonnement résilié',
    unrecognized: 'Paiement non reconnu',
    general: 'Autre motif',
  },
};

/** A dispute reason in the locale's words (Stripe's code when it is not one we know). */
export function disputeReason(reason: string | null, locale: NotificationLocale): string | null {
  if (reason === null) return null;
  const reasons = disputeReasons[locale];
  return Object.hasOwn(reasons, reason) ? (reasons[reason] ?? reason) : reason;
}

/** `payment.refunded`: a customer was refunded (all or part); the creator's share of it was taken back. */
export const paymentRefunded = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `A booking was refunded: ${amount}`,
      title: 'Booking refunded',
      body: (amount: string, full: boolean | null) =>
        full === false ? `A customer was refunded ${amount}, part of what they paid for a booking.` : `A customer was refunded ${amount} for a booking.`,
      share: (share: string) => `Your share was reduced by ${share}.`,
      labels: { booking: 'Booking', refunded: 'Refunded to the customer', share: 'Taken from your share', total: 'Refunded in total for this booking' },
      action: 'View my payouts',
    },
    fr: {
      subject: (amount) => `Remboursement d’une réservation : ${amount}`,
      title: 'Réservation remboursée',
      body: (amount, full) =>
        full === false ? `Un client a été remboursé de ${amount}, une partie de ce qu’il avait payé pour une réservation.` : `Un client a été remboursé de ${amount} pour une réservation.`,
      share: (share) => `Votre part a été réduite de ${share}.`,
      labels: { booking: 'Réservation', refunded: 'Remboursé au client', share: 'Pris sur votre part', total: 'Total remboursé pour cette réservation' },
      action: 'Voir mes paiements',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const share = fields.isZero('creatorPart') ? null : fields.moneyOrNull('creatorPart');
    const body = `${t.body(amount, fields.flag('fullRefund'))}${share ? ` ${t.share(share)}` : ''}`;
    const total = fields.moneyOrNull('refundedAmount');
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.booking, fields.text('bookingId')],
              [t.labels.refunded, amount],
              [t.labels.share, share],
              [t.labels.total, total !== null && total !== amount ? total : null],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payment.disputed`: a customer disputed a payment with their bank; the creator's share (`frozen`) is frozen meanwhile. */
export const paymentDisputed = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `A customer disputed a payment of ${amount}`,
      title: 'Payment disputed',
      body: (amount: string, frozen: string | null) =>
        `A customer opened a dispute with their bank about a payment of ${amount}.${frozen ? ` ${frozen} of your earnings is frozen until the dispute is settled.` : ''}`,
      next: 'Our team answers the dispute with Stripe; we will let you know how it ends. If the dispute is lost, the frozen amount goes back to the customer.',
      labels: { booking: 'Booking', amount: 'Disputed amount', frozen: 'Frozen from your earnings', reason: 'Reason given' },
      action: 'View my payouts',
    },
    fr: {
      subject: (amount) => `Un client conteste un paiement de ${amount}`,
      title: 'Paiement contesté',
      body: (amount, frozen) =>
        `Un client a ouvert un litige auprès de sa banque pour un paiement de ${amount}.${frozen ? ` Un montant de ${frozen} de vos gains est gelé jusqu’à la fin du litige.` : ''}`,
      next: 'Notre équipe répond au litige auprès de Stripe ; nous vous informerons de son issue. Si le litige est perdu, le montant gelé revient au client.',
      labels: { booking: 'Réservation', amount: 'Montant contesté', frozen: 'Gelé sur vos gains', reason: 'Motif invoqué' },
      action: 'Voir mes paiements',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const frozen = fields.isZero('frozen') ? null : fields.moneyOrNull('frozen');
    const body = t.body(amount, frozen);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Paragraph>{t.next}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.booking, fields.text('bookingId')],
              [t.labels.amount, amount],
              [t.labels.frozen, frozen],
              [t.labels.reason, disputeReason(fields.text('reason'), locale)],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payment.dispute_closed`: won (the frozen share is released) or lost (it goes to the customer, with the fee when the creator pays it). */
export const paymentDisputeClosed = defineTemplate({
  strings: {
    en: {
      subject: { won: (amount: string) => `Dispute closed in your favour: ${amount}`, lost: (amount: string) => `Dispute lost: ${amount}`, other: (amount: string) => `Dispute closed: ${amount}` },
      title: { won: 'Dispute won', lost: 'Dispute lost', other: 'Dispute closed' },
      body: {
        won: (amount: string, share: string | null) => `The dispute about a payment of ${amount} was closed in your favour.${share ? ` The ${share} that was frozen is yours again.` : ''}`,
        lost: (amount: string, share: string | null) => `The dispute about a payment of ${amount} was lost.${share ? ` Your frozen share of ${share} goes back to the customer.` : ''}`,
        other: (amount: string) => `The dispute about a payment of ${amount} was closed.`,
      },
      fee: (fee: string) => `A dispute fee of ${fee} was charged to you.`,
      labels: { amount: 'Disputed amount', share: 'Your share', fee: 'Dispute fee charged to you' },
      action: 'View my payouts',
    },
    fr: {
      subject: { won: (amount) => `Litige clos en votre faveur : ${amount}`, lost: (amount) => `Litige perdu : ${amount}`, other: (amount) => `Litige clos : ${amount}` },
      title: { won: 'Litige gagné', lost: 'Litige perdu', other: 'Litige clos' },
      body: {
        won: (amount, share) => `Le litige sur un paiement de ${amount} a été clos en votre faveur.${share ? ` Le montant gelé (${share}) vous revient.` : ''}`,
        lost: (amount, share) => `Le litige sur un paiement de ${amount} a été perdu.${share ? ` Votre part gelée (${share}) revient au client.` : ''}`,
        other: (amount) => `Le litige sur un paiement de ${amount} a été clos.`,
      },
      fee: (fee) => `Des frais de litige de ${fee} vous ont été facturés.`,
      labels: { amount: 'Montant contesté', share: 'Votre part', fee: 'Frais de litige à votre charge' },
      action: 'Voir mes paiements',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const outcome = fields.text('outcome');
    const share = fields.isZero('creatorPart') ? null : fields.moneyOrNull('creatorPart');
    const fee = fields.isZero('feeCharged') ? null : fields.moneyOrNull('feeCharged');
    const key = outcome === 'won' || outcome === 'lost' ? outcome : 'other';
    const closed = key === 'other' ? t.body.other(amount) : t.body[key](amount, share);
    const body = fee ? `${closed} ${t.fee(fee)}` : closed;
    return {
      subject: t.subject[key](amount),
      title: t.title[key],
      body,
      path: dashboardPaths.creatorPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.share, share],
              [t.labels.fee, fee],
            ]}
          />
        </>
      ),
    };
  },
});

/**
 * `creator.debt_recovered`: money the creator owed (refunds or lost disputes on money already
 * paid out) was taken back by reversing part of a payout's transfer; `debtLeft` is what remains.
 */
export const creatorDebtRecovered = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `${amount} recovered from a payout`,
      title: 'Amount owed recovered',
      body: (amount: string) => `To cover refunds or lost disputes on money already paid out to you, ${amount} was taken back from a payout sent to your Stripe account.`,
      settled: 'You owe nothing more.',
      left: (left: string) => `You still owe ${left}; it will be taken from your next earnings first.`,
      labels: { recovered: 'Recovered', left: 'Still owed', reason: 'Reason', reference: 'Payout' },
      action: 'View the payout',
    },
    fr: {
      subject: (amount) => `Récupération de ${amount} sur un paiement`,
      title: 'Somme due récupérée',
      body: (amount) =>
        `Pour couvrir des remboursements ou des litiges perdus sur de l’argent qui vous avait déjà été versé, un montant de ${amount} a été repris sur un paiement envoyé à votre compte Stripe.`,
      settled: 'Vous ne devez plus rien.',
      left: (left) => `Il vous reste ${left} à rembourser ; ce montant sera d’abord pris sur vos prochains gains.`,
      labels: { recovered: 'Récupéré', left: 'Reste dû', reason: 'Motif', reference: 'Paiement' },
      action: 'Voir le paiement',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const left = fields.isZero('debtLeft') ? null : fields.moneyOrNull('debtLeft');
    const settledOrLeft = fields.isZero('debtLeft') ? t.settled : left ? t.left(left) : null;
    const body = settledOrLeft ? `${t.body(amount)} ${settledOrLeft}` : t.body(amount);
    const payoutId = fields.text('payoutId');
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
              [t.labels.recovered, amount],
              [t.labels.left, left],
              [t.labels.reason, fields.text('reason')],
              [t.labels.reference, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});
