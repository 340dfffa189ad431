import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph } from './layout.js';
import { disputeReason } from './refunds-disputes.js';

/** `alert.dispute_created` (critical), to admins: a payment is disputed; the creator's share is frozen and Stripe waits for evidence. */
export const alertDisputeCreated = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Dispute opened on a payment of ${amount}`,
      title: 'Dispute opened',
      body: (amount: string, share: string | null) =>
        `A customer disputed a payment of ${amount}.${share ? ` The creator’s share of ${share} is frozen.` : ''} Submit evidence in Stripe before the deadline.`,
      labels: { amount: 'Disputed amount', reason: 'Reason', share: 'Creator’s share frozen', fee: 'Platform fee part', creator: 'Creator', payment: 'Payment', dispute: 'Stripe dispute' },
      action: 'View the creator',
    },
    fr: {
      subject: (amount) => `Litige ouvert sur un paiement de ${amount}`,
      title: 'Litige ouvert',
      body: (amount, share) =>
        `Un client conteste un paiement de ${amount}.${share ? ` La part du créateur (${share}) est gelée.` : ''} Envoyez vos justificatifs dans Stripe avant la date limite.`,
      labels: { amount: 'Montant contesté', reason: 'Motif', share: 'Part du créateur gelée', fee: 'Part des frais de la plateforme', creator: 'Créateur', payment: 'Paiement', dispute: 'Litige Stripe' },
      action: 'Voir le créateur',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const share = fields.moneyOrNull('creatorPart');
    const creatorId = fields.text('creatorId');
    const body = t.body(amount, share);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminCreators(creatorId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.reason, disputeReason(fields.text('reason'), locale)],
              [t.labels.share, share],
              [t.labels.fee, fields.moneyOrNull('feePart')],
              [t.labels.creator, creatorId],
              [t.labels.payment, fields.text('paymentId')],
              [t.labels.dispute, fields.text('disputeId')],
            ]}
          />
        </>
      ),
    };
  },
});

/** `alert.dispute_lost` (warning), to admins: the disputed amount went to the customer; who paid Stripe's fee. */
export const alertDisputeLost = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Dispute lost on a payment of ${amount}`,
      title: 'Dispute lost',
      body: (amount: string) => `The dispute on a payment of ${amount} was lost: the amount went back to the customer.`,
      fee: (fee: string, payer: string | null) => `Stripe’s dispute fee of ${fee} ${payer ? `was paid by ${payer}` : 'was charged'}.`,
      payers: { creator: 'the creator', platform: 'the platform' } as Record<string, string>,
      labels: { amount: 'Disputed amount', fee: 'Dispute fee', creator: 'Creator', payment: 'Payment', dispute: 'Stripe dispute' },
      action: 'View the creator',
    },
    fr: {
      subject: (amount) => `Litige perdu sur un paiement de ${amount}`,
      title: 'Litige perdu',
      body: (amount) => `Le litige sur un paiement de ${amount} a été perdu : le montant est retourné au client.`,
      fee: (fee, payer) => `Les frais de litige de Stripe (${fee}) ${payer ? `ont été payés par ${payer}` : 'ont été prélevés'}.`,
      payers: { creator: 'le créateur', platform: 'la plateforme' },
      labels: { amount: 'Montant contesté', fee: 'Frais de litige', creator: 'Créateur', payment: 'Paiement', dispute: 'Litige Stripe' },
      action: 'Voir le créateur',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const creatorId = fields.text('creatorId');
    const fee = fields.moneyOrNull('disputeFee');
    const payer = fields.text('feePayer');
    const lost = t.body(amount);
    const body = fee ? `${lost} ${t.fee(fee, payer !== null && Object.hasOwn(t.payers, payer) ? (t.payers[payer] ?? null) : null)}` : lost;
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminCreators(creatorId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.fee, fee],
              [t.labels.creator, creatorId],
              [t.labels.payment, fields.text('paymentId')],
              [t.labels.dispute, fields.text('disputeId')],
            ]}
          />
        </>
      ),
    };
  },
});
