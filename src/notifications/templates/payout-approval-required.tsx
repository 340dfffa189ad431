import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { Details, Paragraph, Quote } from './layout.js';

/**
 * `payout.approval_required`, to admins: the limit rules flagged a request (`flags`, with the
 * rules' own `reason` text). Flag names are the dashboard's (src/web/i18n/…/admin.json `flags`).
 */
export const payoutApprovalRequired = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Payout of ${amount} awaits approval`,
      title: 'Payout awaiting approval',
      body: (amount: string) => `A payout request of ${amount} was flagged by the limit rules and needs an administrator’s approval before it is sent.`,
      why: 'Why it was flagged:',
      flags: {
        REQUIRES_ADMIN_APPROVAL: 'Above the approval threshold',
        NEW_ACCOUNT: 'New account',
        HIGH_FREQUENCY: 'Many requests in 24 h',
        LARGE_SHARE_OF_EARNINGS: 'Large share of lifetime earnings',
        LARGE_FIRST_PAYOUT: 'Large first payout',
      } as Record<string, string>,
      labels: { amount: 'Amount', creator: 'Creator', flags: 'Flags', payout: 'Payout' },
      action: 'Review the request',
    },
    fr: {
      subject: (amount) => `Paiement de ${amount} en attente de validation`,
      title: 'Paiement en attente de validation',
      body: (amount) => `Une demande de paiement de ${amount} a été signalée par les règles de limites : un administrateur doit la valider avant son envoi.`,
      why: 'Pourquoi elle a été signalée :',
      flags: {
        REQUIRES_ADMIN_APPROVAL: 'Au-dessus du seuil de validation',
        NEW_ACCOUNT: 'Compte récent',
        HIGH_FREQUENCY: 'Nombreuses demandes en 24 h',
        LARGE_SHARE_OF_EARNINGS: 'Grande part des gains cumulés',
        LARGE_FIRST_PAYOUT: 'Premier paiement élevé',
      },
      labels: { amount: 'Montant', creator: 'Créateur', flags: 'Signalements', payout: 'Paiement' },
      action: 'Examiner la demande',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const payoutId = fields.text('payoutId');
    const reason = fields.text('reason');
    const flags = fields.strings('flags').map((flag) => (Object.hasOwn(t.flags, flag) ? (t.flags[flag] ?? flag) : flag));
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminApprovals(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason && (
            <>
              <Paragraph>{t.why}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.creator, fields.text('creatorId')],
              [t.labels.flags, flags.length > 0 ? format.list(flags) : null],
              [t.labels.payout, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});
