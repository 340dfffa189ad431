import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph } from './layout.js';

/**
 * `alert.reconciliation_difference` (warning; critical when money left or arrived without the
 * service, or twice): the reconciliation with Stripe (src/services/reconciliation,
 * docs/reconciliation.md) found an object that is on one side only, or on both with different
 * amounts, currencies or statuses. The payload carries the item's own one-line summary.
 */
export const alertReconciliationDifference = defineTemplate({
  strings: {
    en: {
      subject: (what: string, amount: string | null) => `Reconciliation: ${what}${amount ? ` (${amount})` : ''}`,
      title: 'Difference between our books and Stripe’s',
      classes: {
        mismatched: (kind: string) => `${kind} differs from Stripe`,
        missing_here: (kind: string) => `${kind} at Stripe, not here`,
        missing_at_stripe: (kind: string) => `${kind} here, not at Stripe`,
      } as Record<string, (kind: string) => string>,
      kinds: { transfer: 'transfer', transfer_reversal: 'transfer reversal', bank_payout: 'bank payout', charge: 'charge', refund: 'refund', dispute: 'dispute' } as Record<string, string>,
      body: 'The reconciliation with Stripe found a difference. Check it in the Stripe dashboard and in the payout’s history; correct what is wrong, or accept the item with a note if it is right.',
      labels: { found: 'Found', stripe: 'Stripe object', local: 'Our record', amount: 'Amount at Stripe', localAmount: 'Amount here', run: 'Reconciliation run' },
      action: 'Open the reconciliation',
    },
    fr: {
      subject: (what, amount) => `Rapprochement : ${what}${amount ? ` (${amount})` : ''}`,
      title: 'Écart entre nos comptes et ceux de Stripe',
      classes: {
        mismatched: (kind) => `${kind} différent chez Stripe`,
        missing_here: (kind) => `${kind} chez Stripe, absent ici`,
        missing_at_stripe: (kind) => `${kind} ici, absent chez Stripe`,
      },
      kinds: { transfer: 'virement', transfer_reversal: 'annulation de virement', bank_payout: 'versement bancaire', charge: 'paiement', refund: 'remboursement', dispute: 'litige' },
      body: 'Le rapprochement avec Stripe a trouvé un écart. Vérifiez-le dans le tableau de bord Stripe et dans l’historique du paiement ; corrigez ce qui est faux, ou acceptez l’élément avec une note s’il est juste.',
      labels: { found: 'Constat', stripe: 'Objet Stripe', local: 'Notre enregistrement', amount: 'Montant chez Stripe', localAmount: 'Montant ici', run: 'Rapprochement' },
      action: 'Ouvrir le rapprochement',
    },
  },
  compose(fields, t, { locale }) {
    const kind = t.kinds[fields.text('kind') ?? ''] ?? fields.text('kind') ?? '';
    const describe = t.classes[fields.text('class') ?? ''];
    const what = describe ? describe(kind) : kind;
    const amount = fields.moneyOrNull('amount');
    const local = [fields.text('localType'), fields.text('localId')].filter(Boolean).join(' ');
    const runId = fields.text('runId');
    return {
      subject: t.subject(what, amount),
      title: t.title,
      body: t.body,
      path: dashboardPaths.adminReconciliation(runId),
      action: t.action,
      content: (
        <>
          <Paragraph>{t.body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.found, fields.text('summary')],
              [t.labels.stripe, fields.text('stripeId')],
              [t.labels.local, local === '' ? null : local],
              [t.labels.amount, amount],
              [t.labels.localAmount, fields.moneyOrNull('localAmount')],
              [t.labels.run, runId],
            ]}
          />
        </>
      ),
    };
  },
});
