import type { NotificationLocale } from '../catalog.js';
import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate } from './define-template.js';
import { BulletList, Details, ItemTable, Paragraph } from './layout.js';

/**
 * Admin alerts raised by the payout monitor (src/services/alerts/monitor-payouts.ts, docs/alerts.md):
 * payouts stuck at a stage longer than its threshold, the failure rate, failing Stripe events —
 * and the one summary that stands for a run that found too many new alerts at once.
 */

const percentFormats = new Map<NotificationLocale, Intl.NumberFormat>();

/** A share as a percentage in the language's style (`12.5%`, `12,5 %`); formatters made once per language. */
function percent(locale: NotificationLocale, share: number): string {
  let format = percentFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    percentFormats.set(locale, format);
  }
  return format.format(share);
}

/** `alert.payout_review_overdue` (warning): a payout has waited in the approval queue longer than its threshold (24 h). */
export const alertPayoutReviewOverdue = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Payout of ${amount} waiting for approval too long`,
      title: 'Payout waiting for approval',
      body: (amount: string, since: string | null, hours: string | null) =>
        `A payout of ${amount} was requested${since ? ` on ${since}` : ''} and has waited for an admin’s review${hours ? ` for more than ${hours} hours` : ' too long'}. Approve or reject it.`,
      labels: { amount: 'Amount', requested: 'Requested', why: 'Why it needs approval', creator: 'Creator', payout: 'Payout' },
      action: 'Review the payout',
    },
    fr: {
      subject: (amount) => `Paiement de ${amount} en attente d’approbation depuis trop longtemps`,
      title: 'Paiement en attente d’approbation',
      body: (amount, since, hours) =>
        `Un paiement de ${amount} a été demandé${since ? ` le ${since}` : ''} et attend la vérification d’un administrateur${hours ? ` depuis plus de ${hours} heures` : ' depuis trop longtemps'}. Approuvez-le ou refusez-le.`,
      labels: { amount: 'Montant', requested: 'Demandé le', why: 'Motif de l’approbation', creator: 'Créateur', payout: 'Paiement' },
      action: 'Examiner le paiement',
    },
  },
  compose(fields, t, { locale, format }) {
    const amount = fields.money();
    const since = fields.dateTimeOrNull('requestedAt');
    const hours = fields.count('thresholdHours');
    const body = t.body(amount, since, hours === null ? null : format.count(hours));
    const payoutId = fields.text('payoutId');
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminApprovals(payoutId),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.requested, since],
              [t.labels.why, fields.text('approvalReason')],
              [t.labels.creator, fields.text('creatorId')],
              [t.labels.payout, payoutId],
            ]}
          />
        </>
      ),
    };
  },
});

/** `alert.payout_bank_payout_overdue` (warning): the transfer was made, but Stripe has not reported the bank payout paid a day after it was expected. */
export const alertPayoutBankPayoutOverdue = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Bank payout of ${amount} overdue`,
      title: 'Bank payout overdue',
      body: (amount: string, expected: string | null) =>
        `The transfer of ${amount} reached the creator’s Stripe account, but Stripe has not reported the payout to their bank as paid${expected ? `; it was expected by ${expected}` : ''}. Check the bank payout in Stripe.`,
      labels: { amount: 'Amount', transferred: 'Transferred', expected: 'Expected at the bank by', transfer: 'Transfer', bankPayout: 'Bank payout', creator: 'Creator', payout: 'Payout' },
      action: 'View payouts in processing',
    },
    fr: {
      subject: (amount) => `Versement bancaire de ${amount} en retard`,
      title: 'Versement bancaire en retard',
      body: (amount, expected) =>
        `Le virement de ${amount} est arrivé sur le compte Stripe du créateur, mais Stripe n’a pas signalé le versement vers sa banque comme effectué${expected ? ` ; il était attendu au plus tard le ${expected}` : ''}. Vérifiez le versement bancaire dans Stripe.`,
      labels: { amount: 'Montant', transferred: 'Virement effectué le', expected: 'Attendu à la banque le', transfer: 'Virement', bankPayout: 'Versement bancaire', creator: 'Créateur', payout: 'Paiement' },
      action: 'Voir les paiements en cours',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const expected = fields.dateTimeOrNull('expectedArrivalAt');
    const body = t.body(amount, expected);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts({ status: 'PROCESSING' }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.transferred, fields.dateTimeOrNull('transferredAt')],
              [t.labels.expected, expected],
              [t.labels.transfer, fields.text('transferId')],
              [t.labels.bankPayout, fields.text('bankPayoutId')],
              [t.labels.creator, fields.text('creatorId')],
              [t.labels.payout, fields.text('payoutId')],
            ]}
          />
        </>
      ),
    };
  },
});

/** `alert.payout_failure_rate` (critical): more than 5 % of the payouts that finished in the last 24 h failed (seed 003), with the reasons. */
export const alertPayoutFailureRate = defineTemplate({
  strings: {
    en: {
      subject: (rate: string | null, threshold: string | null) => `Payout failure rate ${rate ?? 'too high'}${threshold ? ` (threshold ${threshold})` : ''}`,
      title: 'Payout failure rate too high',
      body: (failed: string | null, finished: string | null, rate: string | null, hours: string) =>
        failed !== null && finished !== null && rate !== null
          ? `${failed} of the ${finished} payouts that finished in the last ${hours} hours failed (${rate}). Look for a common cause before more fail.`
          : `Too many payouts failed in the last ${hours} hours. Look for a common cause before more fail.`,
      columns: { reason: 'Error code', count: 'Payouts' },
      unknownReason: '(no code)',
      action: 'View failed payouts',
    },
    fr: {
      subject: (rate, threshold) => `Taux d’échec des paiements ${rate ? `de ${rate}` : 'trop élevé'}${threshold ? ` (seuil ${threshold})` : ''}`,
      title: 'Taux d’échec des paiements trop élevé',
      body: (failed, finished, rate, hours) =>
        failed !== null && finished !== null && rate !== null
          ? `${failed} des ${finished} paiements terminés au cours des ${hours} dernières heures ont échoué (${rate}). Cherchez une cause commune avant que d’autres n’échouent.`
          : `Trop de paiements ont échoué au cours des ${hours} dernières heures. Cherchez une cause commune avant que d’autres n’échouent.`,
      columns: { reason: 'Code d’erreur', count: 'Paiements' },
      unknownReason: '(sans code)',
      action: 'Voir les paiements en échec',
    },
  },
  compose(fields, t, { locale, format }) {
    const failed = fields.count('failed');
    const finished = fields.count('finished');
    const threshold = fields.count('thresholdPercent');
    const rate = failed !== null && finished !== null && finished > 0 && failed <= finished ? percent(locale, failed / finished) : null;
    const body = t.body(failed === null ? null : format.count(failed), finished === null ? null : format.count(finished), rate, format.count(fields.count('windowHours') ?? 24));
    const rows = fields.records('reasons').map((reason) => {
      const count = reason.count('count');
      return [reason.text('code') ?? t.unknownReason, count === null ? '—' : format.count(count)];
    });
    return {
      subject: t.subject(rate, threshold === null ? null : percent(locale, threshold / 100)),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts({ status: 'FAILED' }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {rows.length > 0 && <ItemTable columns={[t.columns.reason, t.columns.count]} rows={rows} />}
        </>
      ),
    };
  },
});

/** `alert.webhook_events_failing` (warning): Stripe events keep failing (still being retried, or given up). */
export const alertWebhookEventsFailing = defineTemplate({
  strings: {
    en: {
      subject: (count: string | null, plural: Intl.LDMLPluralRule) => (count === null ? 'Stripe events are failing' : plural === 'one' ? `${count} Stripe event is failing` : `${count} Stripe events are failing`),
      title: 'Stripe events failing',
      body: (count: string | null, plural: Intl.LDMLPluralRule, since: string | null) =>
        `${count === null ? 'Stripe events' : plural === 'one' ? `${count} Stripe event` : `${count} Stripe events`} failed several times${since ? `, the oldest received on ${since}` : ''}. What they report is not applied until they succeed: fix the cause, then retry them.`,
      columns: { type: 'Event type', count: 'Events' },
      labels: { exhausted: 'Given up (manual retry only)' },
      action: 'Open the dashboard',
    },
    fr: {
      subject: (count, plural) => (count === null ? 'Des événements Stripe échouent' : plural === 'one' ? `${count} événement Stripe échoue` : `${count} événements Stripe échouent`),
      title: 'Événements Stripe en échec',
      body: (count, plural, since) =>
        `${count === null ? 'Des événements Stripe ont' : plural === 'one' ? `${count} événement Stripe a` : `${count} événements Stripe ont`} échoué plusieurs fois${since ? `, le plus ancien reçu le ${since}` : ''}. Ce qu’ils signalent n’est pas appliqué tant qu’ils n’ont pas abouti : corrigez la cause, puis relancez-les.`,
      columns: { type: 'Type d’événement', count: 'Événements' },
      labels: { exhausted: 'Abandonnés (relance manuelle seulement)' },
      action: 'Ouvrir le tableau de bord',
    },
  },
  compose(fields, t, { locale, format }) {
    const count = fields.count('count');
    const shown = count === null ? null : format.count(count);
    const plural = format.plural(count ?? 2);
    const body = t.body(shown, plural, fields.dateTimeOrNull('oldestReceivedAt'));
    const exhausted = fields.count('exhausted');
    const rows = fields.records('types').map((type) => {
      const n = type.count('count');
      return [type.text('type') ?? '—', n === null ? '—' : format.count(n)];
    });
    return {
      subject: t.subject(shown, plural),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {rows.length > 0 && <ItemTable columns={[t.columns.type, t.columns.count]} rows={rows} />}
          <Details locale={locale} rows={[[t.labels.exhausted, exhausted === null ? null : format.count(exhausted)]]} />
        </>
      ),
    };
  },
});

/** `alert.alerts_summarised` (warning, critical when one it stands for is): a run found more new alerts than it opens one by one (100). */
export const alertAlertsSummarised = defineTemplate({
  strings: {
    en: {
      subject: (count: string | null) => `${count ?? 'Many'} new alerts at once`,
      title: 'Many alerts at once',
      body: (count: string | null) =>
        `A check found ${count ?? 'more'} new problems in one run, more than are opened one by one, so this single alert stands for them. It stays open while they last; when fewer remain they are opened individually.`,
      columns: { type: 'Alert type', count: 'New' },
      examples: 'For example:',
      action: 'View payouts',
    },
    fr: {
      subject: (count) => `${count ?? 'De nombreuses'} nouvelles alertes d’un coup`,
      title: 'De nombreuses alertes d’un coup',
      body: (count) =>
        `Une vérification a trouvé ${count ?? 'de nombreux'} nouveaux problèmes en une seule passe, plus que ce qui est ouvert un par un : cette alerte les représente tous. Elle reste ouverte tant qu’ils durent ; quand il en reste moins, ils sont ouverts individuellement.`,
      columns: { type: 'Type d’alerte', count: 'Nouvelles' },
      examples: 'Par exemple :',
      action: 'Voir les paiements',
    },
  },
  compose(fields, t, { format }) {
    const count = fields.count('count');
    const shown = count === null ? null : format.count(count);
    const body = t.body(shown);
    const rows = fields.records('types').map((type) => {
      const n = type.count('count');
      return [type.text('type') ?? '—', n === null ? '—' : format.count(n)];
    });
    const examples = fields
      .records('sample')
      .map((item) => item.text('subject'))
      .filter((subject): subject is string => subject !== null);
    return {
      subject: t.subject(shown),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts(),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {rows.length > 0 && <ItemTable columns={[t.columns.type, t.columns.count]} rows={rows} />}
          {examples.length > 0 && (
            <>
              <Paragraph>{t.examples}</Paragraph>
              <BulletList items={examples} />
            </>
          )}
        </>
      ),
    };
  },
});
