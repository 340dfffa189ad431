import { dashboardPaths } from './dashboard-paths.js';
import { defineTemplate, type Localized } from './define-template.js';
import { Details, ItemTable, Paragraph, Quote } from './layout.js';

/**
 * Admin alerts about payouts the service could not settle alone. Their `reason` / `message`
 * fields are the service's or Stripe's own words (English): shown as quotes, not translated.
 */

/** `alert.payout_bank_payout_failed` (warning): the transfer arrived, the Stripe payout to the creator's bank failed; the payout stays PROCESSING. */
export const alertPayoutBankPayoutFailed = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Bank payout failed for a payout of ${amount}`,
      title: 'Bank payout failed',
      body: (amount: string) =>
        `The transfer of ${amount} reached the creator’s Stripe account, but Stripe’s payout to their bank failed. The payout stays in processing until someone resolves it.`,
      stripeSaid: 'What Stripe reported:',
      labels: { amount: 'Amount', code: 'Error code', account: 'Stripe account', transfer: 'Transfer', payout: 'Payout' },
      action: 'View payouts in processing',
    },
    fr: {
      subject: (amount) => `Échec du virement bancaire d’un paiement de ${amount}`,
      title: 'Échec du virement bancaire',
      body: (amount) =>
        `Le virement de ${amount} est arrivé sur le compte Stripe du créateur, mais le versement de Stripe vers sa banque a échoué. Le paiement reste en cours de traitement jusqu’à ce que quelqu’un règle le problème.`,
      stripeSaid: 'Ce que Stripe a indiqué :',
      labels: { amount: 'Montant', code: 'Code d’erreur', account: 'Compte Stripe', transfer: 'Virement', payout: 'Paiement' },
      action: 'Voir les paiements en cours',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const message = fields.text('message') ?? fields.text('reason');
    const body = t.body(amount);
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts({ status: 'PROCESSING' }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {message && (
            <>
              <Paragraph>{t.stripeSaid}</Paragraph>
              <Quote>{message}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.code, fields.text('code')],
              [t.labels.account, fields.text('accountId')],
              [t.labels.transfer, fields.text('transferId')],
              [t.labels.payout, fields.text('payoutId')],
            ]}
          />
        </>
      ),
    };
  },
});

/** `alert.payout_retries_exhausted` (critical): a payout failed on every retry and FAILED for good; its money is back in the creator's available balance. */
export const alertPayoutRetriesExhausted = defineTemplate({
  strings: {
    en: {
      subject: (amount: string, attempts: number | null) => `Payout of ${amount} failed${attempts ? ` after ${attempts} attempts` : ' for good'}`,
      title: 'Payout failed for good',
      body: (amount: string, attempts: number | null) =>
        `The payout of ${amount} failed${attempts ? ` ${attempts} times` : ' on every attempt'} and will not be retried. The money is back in the creator’s available balance; fix the cause before it is paid out again.`,
      stripeSaid: 'The last error:',
      origins: { request: 'Creator’s request', automatic: 'Automatic transfer', scheduled: 'Payout schedule' } as Record<string, string>,
      labels: { amount: 'Amount', code: 'Error code', origin: 'Origin', payout: 'Payout' },
      action: 'View failed payouts',
    },
    fr: {
      subject: (amount, attempts) => `Échec définitif d’un paiement de ${amount}${attempts ? ` après ${attempts} tentatives` : ''}`,
      title: 'Échec définitif d’un paiement',
      body: (amount, attempts) =>
        `Le paiement de ${amount} a échoué${attempts ? ` ${attempts} fois` : ' à chaque tentative'} et ne sera plus retenté. L’argent est revenu dans le solde disponible du créateur ; corrigez la cause avant de le verser à nouveau.`,
      stripeSaid: 'La dernière erreur :',
      origins: { request: 'Demande du créateur', automatic: 'Virement automatique', scheduled: 'Calendrier de paiements' },
      labels: { amount: 'Montant', code: 'Code d’erreur', origin: 'Origine', payout: 'Paiement' },
      action: 'Voir les paiements en échec',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const attempts = fields.count('failedAttempts');
    const reason = fields.text('reason');
    const origin = fields.text('origin');
    const body = t.body(amount, attempts);
    return {
      subject: t.subject(amount, attempts),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts({ status: 'FAILED' }),
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
              [t.labels.code, fields.text('code')],
              [t.labels.origin, origin !== null && Object.hasOwn(t.origins, origin) ? (t.origins[origin] ?? origin) : origin],
              [t.labels.payout, fields.text('payoutId')],
            ]}
          />
        </>
      ),
    };
  },
});

/**
 * `alert.automatic_transfers_failed` (critical): automatic transfers that failed three times
 * (seed 004: "Transfer fails 3x → admin alert, manual intervention"), one row per payout.
 */
export const alertAutomaticTransfersFailed = defineTemplate({
  strings: {
    en: {
      subject: (count: string, plural: Intl.LDMLPluralRule) =>
        plural === 'one' ? `${count} automatic transfer failed and needs manual action` : `${count} automatic transfers failed and need manual action`,
      unknownSubject: 'Automatic transfers failed and need manual action',
      title: 'Automatic transfers failed',
      body: (count: string | null, plural: Intl.LDMLPluralRule) =>
        count === null
          ? 'Automatic transfers failed repeatedly and will not be retried on their own. They need manual action.'
          : plural === 'one'
            ? `${count} automatic transfer failed repeatedly and will not be retried on its own. It needs manual action.`
            : `${count} automatic transfers failed repeatedly and will not be retried on their own. They need manual action.`,
      columns: { payout: 'Payout', creator: 'Creator', amount: 'Amount', attempts: 'Attempts', error: 'Error' },
      action: 'View failed payouts',
    },
    fr: {
      subject: (count, plural) =>
        plural === 'one' ? `${count} virement automatique a échoué et doit être traité manuellement` : `${count} virements automatiques ont échoué et doivent être traités manuellement`,
      unknownSubject: 'Des virements automatiques ont échoué et doivent être traités manuellement',
      title: 'Échec de virements automatiques',
      body: (count, plural) =>
        count === null
          ? 'Des virements automatiques ont échoué à plusieurs reprises et ne seront plus retentés d’eux-mêmes : ils doivent être traités manuellement.'
          : plural === 'one'
            ? `${count} virement automatique a échoué à plusieurs reprises et ne sera plus retenté de lui-même : il doit être traité manuellement.`
            : `${count} virements automatiques ont échoué à plusieurs reprises et ne seront plus retentés d’eux-mêmes : ils doivent être traités manuellement.`,
      columns: { payout: 'Paiement', creator: 'Créateur', amount: 'Montant', attempts: 'Tentatives', error: 'Erreur' },
      action: 'Voir les paiements en échec',
    },
  },
  compose(fields, t, { format }) {
    const payouts = fields.records('payouts');
    const count = fields.count('count') ?? (payouts.length > 0 ? payouts.length : null);
    const plural = format.plural(count ?? 2);
    const shownCount = count === null ? null : format.count(count);
    const body = t.body(shownCount, plural);
    const rows = payouts.map((payout) => {
      const attempts = payout.count('failedAttempts');
      const error = [payout.text('code'), payout.text('reason')].filter((part) => part !== null).join(': ');
      return [payout.text('payoutId') ?? '—', payout.text('creatorId') ?? '—', payout.money(), attempts === null ? '—' : format.count(attempts), error || '—'];
    });
    return {
      subject: shownCount === null ? t.unknownSubject : t.subject(shownCount, plural),
      title: t.title,
      body,
      // Their payouts are FAILED (run-automatic-payouts.ts reports only those).
      path: dashboardPaths.adminPayouts({ status: 'FAILED' }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {rows.length > 0 && <ItemTable columns={[t.columns.payout, t.columns.creator, t.columns.amount, t.columns.attempts, t.columns.error]} rows={rows} />}
        </>
      ),
    };
  },
});

/**
 * `alert.payout_stale` (warning): a payout has been PROCESSING too long and reconciliation could not settle it,
 * or (`status: 'PENDING'`) it was ready to send (approved, or needing no review) and no transfer was made within `PAYOUT_STALE_MINUTES`.
 */
export const alertPayoutStale = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Payout of ${amount} stuck in processing`,
      title: 'Payout stuck in processing',
      body: (amount: string, since: string | null) =>
        `A payout of ${amount} has been processing ${since ? `since ${since}` : 'for too long'} and the service could not settle it alone. Check it in Stripe.`,
      pendingSubject: (amount: string) => `Payout of ${amount} waiting to be sent`,
      pendingTitle: 'Payout not sent',
      pendingBody: (amount: string, since: string | null) =>
        `A payout of ${amount} is ready to be sent ${since ? `since ${since}` : 'for too long'}, but no transfer was made. Process it, or find out what holds it.`,
      found: 'What the service found:',
      labels: { amount: 'Amount', since: 'Processing since', waiting: 'Ready since', transfer: 'Transfer', bankPayout: 'Bank payout', payout: 'Payout' },
      action: 'View payouts in processing',
    },
    fr: {
      subject: (amount) => `Paiement de ${amount} bloqué en traitement`,
      title: 'Paiement bloqué en traitement',
      body: (amount, since) =>
        `Un paiement de ${amount} est en cours de traitement ${since ? `depuis le ${since}` : 'depuis trop longtemps'} et le service n’a pas pu le régler seul. Vérifiez-le dans Stripe.`,
      pendingSubject: (amount) => `Paiement de ${amount} en attente d’envoi`,
      pendingTitle: 'Paiement non envoyé',
      pendingBody: (amount, since) =>
        `Un paiement de ${amount} est prêt à être envoyé ${since ? `depuis le ${since}` : 'depuis trop longtemps'}, mais aucun virement n’a été fait. Traitez-le, ou cherchez ce qui le retient.`,
      found: 'Ce que le service a constaté :',
      labels: { amount: 'Montant', since: 'En traitement depuis le', waiting: 'Prêt depuis le', transfer: 'Virement', bankPayout: 'Versement bancaire', payout: 'Paiement' },
      action: 'Voir les paiements en cours',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    // The payout monitor also finds payouts ready to send (PENDING: approved, or needing no review) that nobody sent (docs/alerts.md).
    const pending = fields.text('status') === 'PENDING';
    const since = pending ? fields.dateTimeOrNull('waitingSince') : fields.dateTimeOrNull('processingStartedAt');
    const reason = fields.text('reason');
    const body = pending ? t.pendingBody(amount, since) : t.body(amount, since);
    return {
      subject: pending ? t.pendingSubject(amount) : t.subject(amount),
      title: pending ? t.pendingTitle : t.title,
      body,
      path: dashboardPaths.adminPayouts({ status: pending ? 'PENDING' : 'PROCESSING' }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason && (
            <>
              <Paragraph>{t.found}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [pending ? t.labels.waiting : t.labels.since, since],
              [t.labels.transfer, fields.text('transferId')],
              [t.labels.bankPayout, fields.text('bankPayoutId')],
              [t.labels.payout, fields.text('payoutId')],
            ]}
          />
        </>
      ),
    };
  },
});

/** Labels of what every webhook-raised payout alert carries (alertAdminsAboutPayout). */
const webhookAlertLabels: Localized<Record<'amount' | 'status' | 'reversed' | 'code' | 'transfer' | 'bankPayout' | 'event' | 'creator' | 'payout', string>> = {
  en: { amount: 'Payout amount', status: 'Payout status', reversed: 'Amount reversed', code: 'Error code', transfer: 'Transfer', bankPayout: 'Bank payout', event: 'Stripe event', creator: 'Creator', payout: 'Payout' },
  fr: { amount: 'Montant du paiement', status: 'Statut du paiement', reversed: 'Montant annulé', code: 'Code d’erreur', transfer: 'Virement', bankPayout: 'Versement bancaire', event: 'Événement Stripe', creator: 'Créateur', payout: 'Paiement' },
};

/** `alert.payout_unexpected_transfer` (critical): Stripe reported a transfer event that does not fit the payout's state; nothing was applied. */
export const alertPayoutUnexpectedTransfer = defineTemplate({
  strings: {
    en: {
      subject: (amount: string) => `Unexpected Stripe transfer event for a payout of ${amount}`,
      title: 'Unexpected transfer event',
      body: (amount: string, eventType: string | null) =>
        `Stripe reported ${eventType ? `a ${eventType} event` : 'an event'} for a payout of ${amount} that does not match the payout’s state, so the service did not apply it. Compare the payout with Stripe and settle it by hand.`,
      found: 'What the service found:',
      labels: webhookAlertLabels.en,
      action: 'View the creator’s payouts',
    },
    fr: {
      subject: (amount) => `Événement de virement Stripe inattendu pour un paiement de ${amount}`,
      title: 'Événement de virement inattendu',
      body: (amount, eventType) =>
        `Stripe a signalé ${eventType ? `un événement ${eventType}` : 'un événement'} pour un paiement de ${amount} qui ne correspond pas à l’état du paiement : le service ne l’a donc pas appliqué. Comparez le paiement avec Stripe et réglez-le manuellement.`,
      found: 'Ce que le service a constaté :',
      labels: webhookAlertLabels.fr,
      action: 'Voir les paiements du créateur',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const reason = fields.text('reason');
    const creatorId = fields.text('creatorId');
    const body = t.body(amount, fields.text('eventType'));
    return {
      subject: t.subject(amount),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts({ creatorId }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason && (
            <>
              <Paragraph>{t.found}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.status, fields.text('status')],
              [t.labels.reversed, fields.isZero('amountReversed') ? null : fields.moneyOrNull('amountReversed')],
              [t.labels.code, fields.text('code')],
              [t.labels.transfer, fields.text('transferId')],
              [t.labels.bankPayout, fields.text('bankPayoutId')],
              [t.labels.event, fields.text('eventId')],
              [t.labels.creator, creatorId],
              [t.labels.payout, fields.text('payoutId')],
            ]}
          />
        </>
      ),
    };
  },
});

/** `alert.payout_transfer_partially_reversed` (warning): part of a payout's transfer was reversed in Stripe; the service does not settle that alone. */
export const alertPayoutTransferPartiallyReversed = defineTemplate({
  strings: {
    en: {
      subject: (reversed: string | null, amount: string) => (reversed ? `Transfer partially reversed: ${reversed} of ${amount}` : `Transfer of ${amount} partially reversed`),
      title: 'Transfer partially reversed',
      body: (reversed: string | null, amount: string) =>
        `${reversed ?? 'Part'} of the ${amount} transferred for a payout was reversed in Stripe. The service does not settle partial reversals on its own: check the payout and the creator’s balance.`,
      found: 'What the service found:',
      labels: webhookAlertLabels.en,
      action: 'View the creator’s payouts',
    },
    fr: {
      subject: (reversed, amount) => (reversed ? `Virement partiellement annulé : ${reversed} sur ${amount}` : `Virement de ${amount} partiellement annulé`),
      title: 'Virement partiellement annulé',
      body: (reversed, amount) =>
        `Stripe a annulé ${reversed ?? 'une partie'} du virement de ${amount} d’un paiement. Le service ne règle pas seul les annulations partielles : vérifiez le paiement et le solde du créateur.`,
      found: 'Ce que le service a constaté :',
      labels: webhookAlertLabels.fr,
      action: 'Voir les paiements du créateur',
    },
  },
  compose(fields, t, { locale }) {
    const amount = fields.money();
    const reversed = fields.moneyOrNull('amountReversed');
    const reason = fields.text('reason');
    const creatorId = fields.text('creatorId');
    const body = t.body(reversed, amount);
    return {
      subject: t.subject(reversed, amount),
      title: t.title,
      body,
      path: dashboardPaths.adminPayouts({ creatorId }),
      action: t.action,
      content: (
        <>
          <Paragraph>{body}</Paragraph>
          {reason && (
            <>
              <Paragraph>{t.found}</Paragraph>
              <Quote>{reason}</Quote>
            </>
          )}
          <Details
            locale={locale}
            rows={[
              [t.labels.amount, amount],
              [t.labels.reversed, reversed],
              [t.labels.status, fields.text('status')],
              [t.labels.transfer, fields.text('transferId')],
              [t.labels.event, fields.text('eventId')],
              [t.labels.creator, creatorId],
              [t.labels.payout, fields.text('payoutId')],
            ]}
          />
        </>
      ),
    };
  },
});
