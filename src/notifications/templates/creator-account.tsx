import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { BulletList, Paragraph } from './layout.js';

/**
 * `creator.payouts_disabled` (critical): Stripe stopped payouts to the creator's connected
 * account; `requirementsDue` are Stripe's requirement names (`individual.verification.document`),
 * shown as they are because the creator meets them again in Stripe's own forms.
 */
export const creatorPayoutsDisabled = defineTemplate({
  strings: {
    en: {
      subject: 'Payouts to your account are paused',
      title: 'Payouts paused on your Stripe account',
      body: 'Stripe has paused payouts to your account until you give it the information it asks for. No payout can be sent to you until then.',
      requirements: 'Stripe asks for:',
      next: 'Open your payouts page and continue your Stripe registration: it only takes a few minutes.',
      action: 'Complete my Stripe account',
    },
    fr: {
      subject: 'Les paiements vers votre compte sont suspendus',
      title: 'Paiements suspendus sur votre compte Stripe',
      body: 'Stripe a suspendu les paiements vers votre compte jusqu’à ce que vous lui fournissiez les informations demandées. Aucun paiement ne peut vous être envoyé d’ici là.',
      requirements: 'Stripe demande :',
      next: 'Ouvrez votre page de paiements et poursuivez votre inscription Stripe : cela ne prend que quelques minutes.',
      action: 'Compléter mon compte Stripe',
    },
  },
  compose(fields, t) {
    const requirements = fields.strings('requirementsDue');
    return {
      subject: t.subject,
      title: t.title,
      body: t.body,
      path: dashboardPaths.creatorPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{t.body}</Paragraph>
          {requirements.length > 0 && (
            <>
              <Paragraph>{t.requirements}</Paragraph>
              <BulletList items={requirements} />
            </>
          )}
          <Paragraph>{t.next}</Paragraph>
        </>
      ),
    };
  },
});
