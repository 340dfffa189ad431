import { defineTemplate } from './define-template.js';
import { Details, Paragraph } from './layout.js';

/**
 * `booking.refunded`, to the customer: their payment went through but the booking could not be
 * created, so the whole payment was refunded. The payload's `reason` is for the audit trail
 * (English, internal) and is not shown. Customers have no dashboard: no link.
 */
export const bookingRefunded = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Your booking could not be made: ${amount} refunded`,
      title: 'Booking not made, payment refunded',
      body: (amount: string) => `We could not create your booking after your payment, so we refunded it in full: ${amount}.`,
      delay: 'The refund goes back to the card or account you paid with. Depending on your bank, it can take 5 to 10 business days to appear on your statement.',
      next: 'You don’t need to do anything. You are welcome to book again.',
      labels: { refunded: 'Refunded', reference: 'Payment reference' },
    },
    fr: {
      subject: (amount) => `Votre réservation n’a pas pu être créée : remboursement de ${amount}`,
      title: 'Réservation non créée, paiement remboursé',
      body: (amount) => `Votre réservation n’a pas pu être créée après votre paiement : nous vous avons remboursé l’intégralité du montant, soit ${amount}.`,
      delay: 'Le remboursement est effectué sur la carte ou le compte utilisé pour le paiement. Selon votre banque, il peut mettre 5 à 10 jours ouvrés à apparaître sur votre relevé.',
      next: 'Vous n’avez rien à faire. Vous pouvez bien sûr réserver à nouveau.',
      labels: { refunded: 'Montant remboursé', reference: 'Référence du paiement' },
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: null,
      action: null,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Paragraph>{t.delay}</Paragraph>
          <Paragraph>{t.next}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.refunded, amount],
              [t.labels.reference, fields.text('paymentId')],
            ]}
          />
        </>
      ),
    };
  },
});
