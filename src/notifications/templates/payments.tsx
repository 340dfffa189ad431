import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph } from './layout.js';

/** `payment.received`: a customer paid a booking; the creator's share is held until its release date. */
export const paymentReceived = defineTemplate({
  strings: {
    en: {
      subject: (share: string) => `New booking payment: ${share} for you`,
      title: 'New payment received',
      body: (gross: string, share: string, releaseDate: string | null) =>
        `A customer paid ${gross} for a booking. Your share of ${share} ${releaseDate ? `can be requested from ${releaseDate}` : 'can be requested once its holding period ends'}.`,
      hold: 'Your share is held for a short period in case the customer asks for a refund or disputes the payment; it then becomes available in your balance.',
      labels: { booking: 'Booking', paid: 'Paid by the customer', share: 'Your share', available: 'Available from' },
      action: 'View my payouts',
    },
    fr: {
      subject: (share) => `Nouveau paiement d’une réservation : ${share} pour vous`,
      title: 'Nouveau paiement reçu',
      body: (gross, share, releaseDate) =>
        `Un client a payé ${gross} pour une réservation. Votre part de ${share} ${releaseDate ? `pourra être demandée à partir du ${releaseDate}` : 'pourra être demandée à la fin de sa période de blocage'}.`,
      hold: 'Votre part est bloquée pendant une courte période au cas où le client demanderait un remboursement ou contesterait le paiement ; elle rejoint ensuite votre solde disponible.',
      labels: { booking: 'Réservation', paid: 'Payé par le client', share: 'Votre part', available: 'Disponible à partir du' },
      action: 'Voir mes paiements',
    },
  },
  compose(fields, t, { locale }) {
    const gross = fields.money();
    const share = fields.money('creatorAmount');
    const releaseDate = fields.dateTimeOrNull('payoutReleaseDate');
    const body = t.body(gross, share, releaseDate);
    return {
      subject: t.subject(share),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Paragraph>{t.hold}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.booking, fields.text('bookingId')],
              [t.labels.paid, gross],
              [t.labels.share, share],
              [t.labels.available, releaseDate],
            ]}
          />
        </>
      ),
    };
  },
});

/** `payment.released`: holding periods ended; the creator's shares of `count` payments are now available to request. */
export const paymentReleased = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `New earnings available: ${amount}`,
      title: 'Earnings available',
      body: (amount: string, bookings: string | null) =>
        `${bookings ? `Your earnings from ${bookings} have` : 'Some of your earnings have'} finished their holding period: ${amount} has been added to your available balance.`,
      bookings: (count: string, plural: Intl.LDMLPluralRule) => (plural === 'one' ? `${count} booking` : `${count} bookings`),
      request: 'You can request a payout of your available balance now.',
      labels: { amount: 'Now available', bookings: 'Bookings' },
      action: 'Request a payout',
    },
    fr: {
      subject: (amount) => `Nouveaux gains disponibles : ${amount}`,
      title: 'Gains disponibles',
      body: (amount, bookings) =>
        `${bookings ? `Vos gains de ${bookings} ont` : 'Des gains ont'} terminé leur période de blocage : un montant de ${amount} s’ajoute à votre solde disponible.`,
      bookings: (count, plural) => (plural === 'one' ? `${count} réservation` : `${count} réservations`),
      request: 'Vous pouvez dès maintenant demander le paiement de votre solde disponible.',
      labels: { amount: 'Désormais disponible', bookings: 'Réservations' },
      action: 'Demander un paiement',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const count = fields.count('count') ?? (fields.strings('paymentIds').length || null);
    const bookings = count === null ? null : t.bookings(format.count(count), format.plural(count));
    const body = t.body(amount, bookings);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.creatorPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Paragraph>{t.request}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.bookings, count === null ? null : format.count(count)],
            ]}
          />
        </>
      ),
    };
  },
});
