import { render } from '@react-email/render';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../domain/money/index.js';
import { notificationLocales, severityOf, topicNames, topics, type NotificationLocale, type Topic } from './catalog.js';
import { hasTemplate, renderMessage, type RenderContext } from './render.js';
import { composeEmail } from './templates/compose-message.js';

const appUrl = 'https://payouts.example.com';
const unsubscribeUrl = 'https://payouts.example.com/unsubscribe?token=v1.cr_8f2a.4c1d9e';

/**
 * A realistic payload of every topic, as the code that queues it writes it (`grep -rn "topic: '" src`).
 * Typed by the catalog: a new topic without a fixture does not compile.
 */
const fixtures: Record<Topic, Record<string, unknown>> = {
  'payment.received': { paymentId: 'pay_01HQ', bookingId: 'bk_4411', amount: '12600', creatorAmount: '11340', currency: 'eur', payoutReleaseDate: '2026-03-12T14:30:00.000Z' },
  'payment.released': { creatorId: 'cr_8f2a', count: 3, amount: '34020', currency: 'eur', paymentIds: ['pay_1', 'pay_2', 'pay_3'] },
  'payout.requested': { payoutId: 'po_7K2', amount: '123456', currency: 'eur', status: 'PENDING_APPROVAL', message: 'Demande de paiement de 1 234,56 € créée avec succès', locale: 'fr' },
  'payout.approved': { payoutId: 'po_7K2', amount: '123456', currency: 'eur', notes: 'Checked the bookings with the creator by phone' },
  'payout.rejected': { payoutId: 'po_7K2', amount: '123456', currency: 'eur', reason: 'Bank details do not match the account holder' },
  'payout.cancelled': { payoutId: 'po_7K2', amount: '12600', currency: 'eur', reason: 'Withdrawn by the creator' },
  'payout.scheduled': { payoutId: 'po_9Q1', amount: '50000', currency: 'usd', schedule: 'weekly', period: 'weekly:2026-11-23' },
  'payout.paid': { payoutId: 'po_7K2', amount: '12600', currency: 'eur', transferId: 'tr_1PaZ' },
  'payout.retrying': { payoutId: 'po_7K2', amount: '12600', currency: 'eur', code: 'rate_limit', reason: 'Too many requests hit the API too quickly.', attempt: 2, nextRetryAt: '2026-03-05T14:30:00.000Z' },
  'payout.failed': { payoutId: 'po_7K2', amount: '12600', currency: 'eur', code: 'account_closed', reason: 'The bank account has been closed.' },
  'creator.payouts_disabled': { creatorId: 'cr_8f2a', account: 'acct_1Nv0', requirementsDue: ['individual.verification.document', 'external_account'] },
  'payout.approval_required': {
    payoutId: 'po_7K2',
    amount: '600000',
    currency: 'eur',
    status: 'PENDING_APPROVAL',
    creatorId: 'cr_8f2a',
    reason: 'Amount €6,000.00 exceeds €5,000.00',
    flags: ['REQUIRES_ADMIN_APPROVAL', 'NEW_ACCOUNT'],
    metadata: { thresholdMinor: 500000 },
  },
  'payment.refunded': {
    paymentId: 'pay_01HQ',
    bookingId: 'bk_4411',
    currency: 'eur',
    amount: '5000',
    fullRefund: false,
    refundId: 're_3Ab',
    source: 'stripe',
    creatorPart: '4500',
    feePart: '500',
    fromHeld: '4500',
    fromAvailable: '0',
    toReceivable: '0',
    refundedAmount: '5000',
  },
  'payment.disputed': { paymentId: 'pay_01HQ', bookingId: 'bk_4411', amount: '12600', currency: 'eur', frozen: '11340', disputeId: 'du_1Qx', reason: 'fraudulent' },
  'payment.dispute_closed': { paymentId: 'pay_01HQ', disputeId: 'du_1Qx', outcome: 'lost', amount: '12600', currency: 'eur', creatorPart: '11340', feeCharged: '1500' },
  'creator.debt_recovered': { creatorId: 'cr_8f2a', amount: '2500', currency: 'eur', via: 'transfer_reversal', payoutId: 'po_5T0', debtLeft: '1000', reason: 'Refund of booking bk_4411 after payout' },
  'booking.refunded': { paymentId: 'pay_01HQ', bookingId: null, refundId: 're_3Ab', amount: '12600', currency: 'eur', reason: 'Booking creation failed' },
  'alert.dispute_created': {
    severity: 'critical',
    paymentId: 'pay_01HQ',
    creatorId: 'cr_8f2a',
    amount: '12600',
    currency: 'eur',
    previousStatus: 'READY',
    disputeId: 'du_1Qx',
    reason: 'product_not_received',
    creatorPart: '11340',
    feePart: '1260',
    fromHeld: '0',
    fromAvailable: '11340',
    fromReceivable: '0',
  },
  'alert.dispute_lost': { paymentId: 'pay_01HQ', creatorId: 'cr_8f2a', disputeId: 'du_1Qx', amount: '12600', currency: 'eur', disputeFee: '1500', feePayer: 'platform' },
  'alert.payout_bank_payout_failed': { payoutId: 'po_7K2', amount: '12600', currency: 'eur', accountId: 'acct_1Nv0', transferId: 'tr_1PaZ', code: 'account_closed', message: 'The bank account has been closed.' },
  'alert.payout_retries_exhausted': { payoutId: 'po_7K2', amount: '12600', currency: 'eur', code: 'insufficient_funds', reason: 'Insufficient funds in the platform balance.', failedAttempts: 5, origin: 'automatic' },
  'alert.automatic_transfers_failed': {
    count: 2,
    payouts: [
      { payoutId: 'po_7K2', creatorId: 'cr_8f2a', amount: '12600', currency: 'eur', failedAttempts: 3, code: 'insufficient_funds', reason: 'Insufficient funds in the platform balance.' },
      { payoutId: 'po_9Q1', creatorId: 'cr_51bb', amount: '4200', currency: 'usd', failedAttempts: 3, code: 'account_invalid', reason: 'The destination account is invalid.' },
    ],
  },
  'alert.payout_stale': {
    payoutId: 'po_7K2',
    amount: '12600',
    currency: 'eur',
    processingStartedAt: '2026-03-05T09:15:00.000Z',
    transferId: 'tr_1PaZ',
    bankPayoutId: 'po_1BankX',
    reason: 'Bank payout po_1BankX is failed (account_closed); its payout.failed event has not been applied',
  },
  'alert.payout_unexpected_transfer': {
    payoutId: 'po_7K2',
    creatorId: 'cr_8f2a',
    status: 'CANCELLED',
    amount: '12600',
    currency: 'eur',
    eventId: 'evt_1Tr',
    eventType: 'transfer.created',
    reason: 'A transfer was created for payout po_7K2, which is CANCELLED',
    transferId: 'tr_1PaZ',
  },
  'alert.payout_transfer_partially_reversed': {
    payoutId: 'po_7K2',
    creatorId: 'cr_8f2a',
    status: 'PAID',
    amount: '12600',
    currency: 'eur',
    eventId: 'evt_2Rv',
    eventType: 'transfer.reversed',
    reason: 'Transfer tr_1PaZ was partly reversed (4000 of 12600)',
    transferId: 'tr_1PaZ',
    amountReversed: 4000,
  },
  'alert.webhook_retries_exhausted': { eventId: 'evt_3Wh', type: 'payout.failed', attempts: 8, error: 'PAYOUT_NOT_FOUND: no payout for bank payout po_1BankX' },
  'alert.payout_review_overdue': {
    payoutId: 'po_7K2',
    creatorId: 'cr_8f2a',
    amount: '600000',
    currency: 'eur',
    requestedAt: '2026-03-04T09:15:00.000Z',
    approvalReason: 'Amount €6,000.00 exceeds €5,000.00',
    thresholdHours: 24,
    alertId: '12',
  },
  'alert.payout_bank_payout_overdue': {
    payoutId: 'po_7K2',
    creatorId: 'cr_8f2a',
    amount: '12600',
    currency: 'eur',
    transferId: 'tr_1PaZ',
    bankPayoutId: 'po_1BankX',
    transferredAt: '2026-03-01T10:00:00.000Z',
    expectedArrivalAt: '2026-03-03T10:00:00.000Z',
    alertId: '13',
  },
  'alert.payout_failure_rate': {
    failed: 3,
    finished: 24,
    thresholdPercent: 5,
    windowHours: 24,
    reasons: [
      { code: 'account_closed', count: 2 },
      { code: null, count: 1 },
    ],
    alertId: '14',
  },
  'alert.webhook_events_failing': { count: 4, exhausted: 1, oldestReceivedAt: '2026-03-05T08:00:00.000Z', types: [{ type: 'payout.failed', count: 3 }, { type: 'transfer.reversed', count: 1 }], alertId: '15' },
  'alert.alerts_summarised': {
    source: 'Payout monitor',
    count: 140,
    types: [
      { type: 'payout_review_overdue', count: 12 },
      { type: 'payout_stale', count: 128 },
    ],
    sample: [{ type: 'payout_stale', subject: 'Payout po_7K2 (€126.00) approved 3 h ago and not sent', fingerprint: 'payout_stale:po_7K2' }],
    alertId: '16',
  },
  // The platform balance check (src/services/balance/check-platform-balance.ts): `amount` is the available balance.
  'alert.balance_critical': balanceFixture({ thresholdStatus: 'critical', reasons: ['below_critical_threshold'], amount: '95000', shortfall: '25000', alertId: '17' }),
  'alert.balance_warning': balanceFixture({ thresholdStatus: 'warning', reasons: ['below_warning_threshold'], amount: '420000', shortfall: '0', alertId: '18' }),
  'alert.balance_below_reserve': balanceFixture({ thresholdStatus: 'warning', reasons: ['below_healthy_threshold', 'below_reserve'], amount: '1100000', obligations: '1000000', requiredReserve: '1200000', shortfall: '100000', alertId: '19' }),
  'alert.balance_runout_projected': balanceFixture({
    thresholdStatus: 'healthy',
    reasons: [],
    amount: '2500000',
    obligations: '1500000',
    requiredReserve: '1800000',
    shortfall: '0',
    trendDirection: 'decreasing',
    averageChange: '-150000',
    reserveBreachDate: '2026-03-10',
    reserveBreachInDays: 5,
    runOutDate: '2026-03-13',
    runOutInDays: 8,
    runOutShortfall: '30000',
    alertId: '20',
  }),
  // The reconciliation with Stripe (src/services/reconciliation): one difference per alert.
  'alert.reconciliation_difference': {
    runId: '7',
    about: 'transfer:tr_hand',
    kind: 'transfer',
    class: 'missing_here',
    stripeId: 'tr_hand',
    localType: null,
    localId: null,
    amount: '4200',
    localAmount: null,
    currency: 'eur',
    differences: [],
    summary: 'Transfer tr_hand of €42.00 to acct_1 was not made by the service: no payout has it or is named by it',
    severity: 'critical',
    alertId: '21',
  },
};

/** The payload every balance alert carries, with these fields changed. */
function balanceFixture(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    currency: 'eur',
    pending: '50000',
    obligations: '100000',
    requiredReserve: '120000',
    reservePercent: 120,
    criticalThreshold: '100000',
    warningThreshold: '500000',
    healthyThreshold: '1000000',
    trendDirection: 'stable',
    averageChange: '15000',
    reserveBreachDate: null,
    reserveBreachInDays: null,
    runOutDate: null,
    runOutInDays: null,
    runOutShortfall: null,
    creatorsWithUnpaidEarnings: 42,
    creatorsWithoutPayoutAccount: 8,
    checkedAt: '2026-03-05T06:00:00.000Z',
    ...fields,
  };
}

/** Where each fixture's amount is (minor units and currency), to find it formatted in the message; none for topics without one. */
function fixtureAmount(topic: Topic): { amountMinor: bigint; currency: string } | null {
  const payload = topic === 'alert.automatic_transfers_failed' ? (fixtures[topic].payouts as Record<string, unknown>[])[0]! : fixtures[topic];
  return typeof payload.amount === 'string' ? { amountMinor: BigInt(payload.amount), currency: payload.currency as string } : null;
}

const roleOf = (topic: Topic): RenderContext['recipient']['role'] =>
  topics[topic].audience === 'admins' ? 'ADMIN' : topics[topic].audience === 'customer' ? 'CUSTOMER' : 'CREATOR';

function contextFor(topic: Topic, locale: NotificationLocale, overrides: Partial<RenderContext> = {}): RenderContext {
  return { appUrl, locale, recipient: { name: roleOf(topic) === 'CUSTOMER' ? null : 'Zoé Martin', role: roleOf(topic) }, unsubscribeUrl, ...overrides };
}

const cases = topicNames.flatMap((topic) => notificationLocales.map((locale) => [topic, locale] as const));

describe('renderMessage', () => {
  it.each(cases)('%s in %s: subject, html, text, in-app title and body, link', async (topic, locale) => {
    const message = await renderMessage(topic, fixtures[topic], contextFor(topic, locale));

    for (const field of ['subject', 'html', 'text', 'title', 'body'] as const) expect(message[field].trim()).not.toBe('');
    expect(message.html.startsWith('<!DOCTYPE html')).toBe(true);
    expect(message.html).toContain(`<html dir="ltr" lang="${locale}"`);
    expect(message.text).not.toContain('<');
    for (const text of [message.subject, message.title, message.body, message.text]) expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]/);

    const amount = fixtureAmount(topic);
    if (amount) {
      const formatted = formatMoney(amount, locale);
      expect(message.html).toContain(formatted);
      expect(message.text).toContain(formatted);
      if (topic !== 'alert.automatic_transfers_failed') expect(`${message.subject} ${message.body}`).toContain(formatted);
    }

    const severity = severityOf(topic, fixtures[topic]);
    if (severity === 'critical') {
      expect(message.subject.startsWith('[CRITICAL] ')).toBe(true);
      expect(message.title).toMatch(locale === 'fr' ? /^Urgent : / : /^Critical: /);
      expect(message.html).toContain(locale === 'fr' ? 'Ce message est critique' : 'This message is critical');
    } else if (severity === 'warning') {
      expect(message.subject.startsWith('[WARNING] ')).toBe(true);
    } else {
      expect(message.subject).not.toMatch(/^\[/);
    }

    if (topics[topic].audience === 'customer') {
      expect(message.link).toBeNull();
    } else {
      const expectedPrefix = topics[topic].audience === 'admins' ? `${appUrl}/dashboard/admin/` : `${appUrl}/dashboard/creator/payouts`;
      expect(message.link?.startsWith(expectedPrefix)).toBe(true);
      expect(message.html).toContain(`href="${message.link!.replaceAll('&', '&amp;')}"`);
    }
  });

  it.each(topicNames)('%s: the French message is not the English one', async (topic) => {
    const [en, fr] = await Promise.all([renderMessage(topic, fixtures[topic], contextFor(topic, 'en')), renderMessage(topic, fixtures[topic], contextFor(topic, 'fr'))]);
    expect(fr.subject).not.toBe(en.subject);
    expect(fr.title).not.toBe(en.title);
    expect(fr.body).not.toBe(en.body);
  });

  it.each(cases)('%s in %s: the unsubscribe link is in the email when given, and absent when null', async (topic, locale) => {
    const withLink = await renderMessage(topic, fixtures[topic], contextFor(topic, locale));
    expect(withLink.html).toContain(`href="${unsubscribeUrl}"`);
    expect(withLink.text).toContain(unsubscribeUrl);

    const without = await renderMessage(topic, fixtures[topic], contextFor(topic, locale, { unsubscribeUrl: null }));
    expect(without.html).not.toContain('/unsubscribe');
    expect(without.text).not.toContain('/unsubscribe');
    expect(without.text).not.toMatch(/Unsubscribe|Ne plus recevoir/);
  });

  it.each(notificationLocales)('shows the admin’s notes to the creator (payout.rejected, payout.approved) in %s', async (locale) => {
    for (const [topic, notes] of [
      ['payout.rejected', fixtures['payout.rejected'].reason],
      ['payout.approved', fixtures['payout.approved'].notes],
    ] as const) {
      const message = await renderMessage(topic, fixtures[topic], contextFor(topic, locale));
      expect(message.html).toContain(notes as string);
      expect(message.text).toContain(notes as string);
      expect(message.body).toContain(notes as string);
    }
    const noReason = await renderMessage('payout.rejected', { ...fixtures['payout.rejected'], reason: null }, contextFor('payout.rejected', locale));
    expect(noReason.body).toContain(locale === 'fr' ? 'Aucun motif' : 'No reason was given');
  });

  it('writes French the French way: amounts, dates in UTC, vouvoiement', async () => {
    const retrying = await renderMessage('payout.retrying', fixtures['payout.retrying'], contextFor('payout.retrying', 'fr'));
    expect(retrying.body).toBe(
      `L’envoi de votre paiement de ${formatMoney({ amountMinor: 12600n, currency: 'eur' }, 'fr')} a échoué (tentative n° 2). Nous réessaierons automatiquement le 5 mars 2026 à 14:30 UTC ; vous n’avez rien à faire.`,
    );
    expect(formatMoney({ amountMinor: 12600n, currency: 'eur' }, 'fr')).toBe('126,00\u00a0€');
    const requested = await renderMessage('payout.requested', fixtures['payout.requested'], contextFor('payout.requested', 'fr'));
    expect(requested.subject).toBe('Demande de paiement de 1\u202f234,56\u00a0€ reçue');
    expect(requested.body).toContain('Elle sera vérifiée par notre équipe avant d’être envoyée.');

    const english = await renderMessage('payout.retrying', fixtures['payout.retrying'], contextFor('payout.retrying', 'en'));
    expect(english.body).toContain('€126.00');
    expect(english.body).toMatch(/on March 5, 2026 at 2:30\sPM UTC/);
  });

  it('greets the recipient by name (escaped), or without a name', async () => {
    const named = await renderMessage('payout.paid', fixtures['payout.paid'], contextFor('payout.paid', 'fr', { recipient: { name: 'Zoé <b>M</b>', role: 'CREATOR' } }));
    expect(named.html).toContain('Bonjour Zoé &lt;b&gt;M&lt;/b&gt;,');
    expect(named.text).toContain('Bonjour Zoé <b>M</b>,'); // the text is not HTML: the name as typed
    const anonymous = await renderMessage('booking.refunded', fixtures['booking.refunded'], contextFor('booking.refunded', 'en'));
    expect(anonymous.text).toContain('Hello,');
  });

  it('escapes what payloads carry (Stripe messages, admin notes) in the HTML', async () => {
    const message = await renderMessage('payout.rejected', { ...fixtures['payout.rejected'], reason: '<script>alert(1)</script> & "more"' }, contextFor('payout.rejected', 'en'));
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; ');
  });

  it('tells the customer the booking failed and the payment was refunded in full, with no dashboard link', async () => {
    for (const locale of notificationLocales) {
      const message = await renderMessage('booking.refunded', fixtures['booking.refunded'], contextFor('booking.refunded', locale));
      const amount = formatMoney({ amountMinor: 12600n, currency: 'eur' }, locale);
      expect(message.link).toBeNull();
      expect(message.html).not.toContain('/dashboard/');
      expect(message.body).toBe(
        locale === 'fr'
          ? `Votre réservation n’a pas pu être créée après votre paiement : nous vous avons remboursé l’intégralité du montant, soit ${amount}.`
          : `We could not create your booking after your payment, so we refunded it in full: ${amount}.`,
      );
      expect(message.text).not.toContain('Booking creation failed'); // the internal reason
    }
  });

  it('links to the page of the payout, the approval under review or the creator; a trailing slash in APP_URL is ignored', async () => {
    const link = async (topic: Topic, payload: Record<string, unknown> = fixtures[topic]) =>
      (await renderMessage(topic, payload, contextFor(topic, 'en', { appUrl: 'https://payouts.example.com//' }))).link;
    expect(await link('payout.paid')).toBe('https://payouts.example.com/dashboard/creator/payouts/po_7K2');
    expect(await link('payout.paid', { ...fixtures['payout.paid'], payoutId: 'po/../x y' })).toBe('https://payouts.example.com/dashboard/creator/payouts/po%2F..%2Fx%20y');
    expect(await link('payment.received')).toBe('https://payouts.example.com/dashboard/creator/payouts');
    expect(await link('payout.approval_required')).toBe('https://payouts.example.com/dashboard/admin/approvals?payout=po_7K2');
    expect(await link('alert.dispute_created')).toBe('https://payouts.example.com/dashboard/admin/creators?search=cr_8f2a');
    expect(await link('alert.payout_retries_exhausted')).toBe('https://payouts.example.com/dashboard/admin/payouts?status=FAILED');
    expect(await link('alert.payout_unexpected_transfer')).toBe('https://payouts.example.com/dashboard/admin/payouts?creatorId=cr_8f2a');
    expect(await link('payout.paid', {})).toBe('https://payouts.example.com/dashboard/creator/payouts');
    expect(await link('alert.balance_critical')).toBe('https://payouts.example.com/dashboard/admin/balance');
    expect(await link('alert.reconciliation_difference')).toBe('https://payouts.example.com/dashboard/admin/reconciliation?run=7');
  });

  it('raises the subject to [CRITICAL] when the payload says so', async () => {
    const message = await renderMessage('alert.dispute_lost', { ...fixtures['alert.dispute_lost'], severity: 'critical' }, contextFor('alert.dispute_lost', 'en'));
    expect(message.subject).toBe('[CRITICAL] Dispute lost on a payment of €126.00');
    expect(message.title).toBe('Critical: Dispute lost');
  });

  it('lists every failed automatic transfer, each amount in its own currency', async () => {
    const message = await renderMessage('alert.automatic_transfers_failed', fixtures['alert.automatic_transfers_failed'], contextFor('alert.automatic_transfers_failed', 'fr'));
    expect(message.subject).toBe('[CRITICAL] 2 virements automatiques ont échoué et doivent être traités manuellement');
    for (const id of ['po_7K2', 'po_9Q1', 'cr_51bb', 'account_invalid: The destination account is invalid.']) expect(message.text).toContain(id);
    expect(message.text).toContain(formatMoney({ amountMinor: 4200n, currency: 'usd' }, 'fr'));
    const one = await renderMessage('alert.automatic_transfers_failed', { count: 1, payouts: (fixtures['alert.automatic_transfers_failed'].payouts as unknown[]).slice(0, 1) }, contextFor('alert.automatic_transfers_failed', 'en'));
    expect(one.subject).toBe('[CRITICAL] 1 automatic transfer failed and needs manual action');
  });

  it('the payout monitor’s alerts: the failure rate as a percentage with its reasons, an approved payout not sent told apart from one stuck in processing', async () => {
    const en = await renderMessage('alert.payout_failure_rate', fixtures['alert.payout_failure_rate'], contextFor('alert.payout_failure_rate', 'en'));
    expect(en.subject).toBe('[CRITICAL] Payout failure rate 12.5% (threshold 5%)');
    expect(en.body).toBe('3 of the 24 payouts that finished in the last 24 hours failed (12.5%). Look for a common cause before more fail.');
    for (const reason of ['account_closed', '(no code)']) expect(en.text).toContain(reason);
    const fr = await renderMessage('alert.payout_failure_rate', fixtures['alert.payout_failure_rate'], contextFor('alert.payout_failure_rate', 'fr'));
    expect(fr.subject).toBe('[CRITICAL] Taux d’échec des paiements de 12,5\u00a0% (seuil 5\u00a0%)');

    const pending = await renderMessage('alert.payout_stale', { payoutId: 'po_7K2', amount: '12600', currency: 'eur', status: 'PENDING', waitingSince: '2026-03-05T09:15:00.000Z' }, contextFor('alert.payout_stale', 'en'));
    expect(pending.subject).toBe('[WARNING] Payout of €126.00 waiting to be sent');
    expect(pending.link).toBe('https://payouts.example.com/dashboard/admin/payouts?status=PENDING');
    const processing = await renderMessage('alert.payout_stale', fixtures['alert.payout_stale'], contextFor('alert.payout_stale', 'en'));
    expect(processing.subject).toBe('[WARNING] Payout of €126.00 stuck in processing');

    const summary = await renderMessage('alert.alerts_summarised', { ...fixtures['alert.alerts_summarised'], severity: 'critical' }, contextFor('alert.alerts_summarised', 'fr'));
    expect(summary.subject).toBe('[CRITICAL] 140 nouvelles alertes d’un coup');
    expect(summary.text).toContain('payout_stale');
  });

  it('the balance alerts: seed 002’s subjects, the reason in words, the projection’s dates, a depleted balance told apart', async () => {
    const critical = await renderMessage('alert.balance_critical', fixtures['alert.balance_critical'], contextFor('alert.balance_critical', 'en'));
    expect(critical.subject).toBe('[CRITICAL] Platform balance below minimum threshold: €950.00 available');
    expect(critical.body).toBe('The platform’s available Stripe balance is €950.00, under the minimum of €1,000.00. Add funds to the Stripe balance within 24 hours and review the payouts waiting to be sent.');
    for (const figure of ['€1,200.00', '€250.00', '€500.00', '42', '8']) expect(critical.text).toContain(figure);
    const depleted = await renderMessage('alert.balance_critical', { ...fixtures['alert.balance_critical'], thresholdStatus: 'depleted', reasons: ['balance_not_positive'], amount: '-2500' }, contextFor('alert.balance_critical', 'fr'));
    expect(depleted.subject).toBe('[CRITICAL] Solde de la plateforme épuisé : -25,00\u00a0€ disponible');
    expect(depleted.body).toContain('à qui 1\u202f000,00\u00a0€ sont dus');

    const warning = await renderMessage('alert.balance_warning', fixtures['alert.balance_warning'], contextFor('alert.balance_warning', 'en'));
    expect(warning.subject).toBe('[WARNING] Platform balance below recommended level: €4,200.00 available');
    expect(warning.body).toContain('under the warning level of €5,000.00');

    const reserve = await renderMessage('alert.balance_below_reserve', fixtures['alert.balance_below_reserve'], contextFor('alert.balance_below_reserve', 'en'));
    expect(reserve.subject).toBe('[WARNING] Platform balance of €11,000.00 below the reserve of €12,000.00');
    expect(reserve.body).toContain('€1,000.00 short. Add at least €1,000.00');
    expect(reserve.text).toContain('Required reserve (120% of what is owed)');

    const runout = await renderMessage('alert.balance_runout_projected', fixtures['alert.balance_runout_projected'], contextFor('alert.balance_runout_projected', 'en'));
    expect(runout.subject).toBe('[WARNING] Platform balance may fall below the reserve in 5 days');
    expect(runout.body).toBe(
      'At its current trend (-€1,500.00 a day), the available balance of €25,000.00 would fall below the reserve of €18,000.00 on March 10, 2026 and would no longer cover what creators can claim on March 13, 2026 (€300.00 short). Add funds before then, or slow the decline.',
    );
    const runoutOnly = await renderMessage('alert.balance_runout_projected', { ...fixtures['alert.balance_runout_projected'], reserveBreachInDays: 0, reserveBreachDate: '2026-03-05', runOutInDays: 1 }, contextFor('alert.balance_runout_projected', 'fr'));
    expect(runoutOnly.subject).toBe('[WARNING] Le solde de la plateforme pourrait s’épuiser dans 1 jour');
    const shortNow = await renderMessage('alert.balance_runout_projected', { ...fixtures['alert.balance_runout_projected'], reserveBreachInDays: 0, runOutInDays: 0, runOutShortfall: '550000' }, contextFor('alert.balance_runout_projected', 'en'));
    expect([shortNow.subject, shortNow.body]).toEqual([
      '[WARNING] Platform balance does not cover what creators can claim',
      'The available balance of €25,000.00 does not cover what creators can already claim (€5,500.00 short). Add funds to the Stripe balance now.',
    ]);
  });

  it('a reconciliation difference says what differs, on which side, with the run to open', async () => {
    const en = await renderMessage('alert.reconciliation_difference', fixtures['alert.reconciliation_difference'], contextFor('alert.reconciliation_difference', 'en'));
    expect(en.subject).toBe('[CRITICAL] Reconciliation: transfer at Stripe, not here (€42.00)');
    expect(en.text).toContain('Transfer tr_hand of €42.00 to acct_1 was not made by the service');
    expect(en.html).toContain('/dashboard/admin/reconciliation?run=7');
    const fr = await renderMessage('alert.reconciliation_difference', { ...fixtures['alert.reconciliation_difference'], class: 'mismatched', severity: undefined }, contextFor('alert.reconciliation_difference', 'fr'));
    expect(fr.subject).toMatch(/^\[WARNING\] Rapprochement : virement différent chez Stripe \(42,00\s€\)$/);
  });

  it.each(cases)('%s in %s: an empty or malformed payload still renders, saying less', async (topic, locale) => {
    const odd = { amount: 'twelve', currency: 'zzz', reason: null, notes: 42, nextRetryAt: 'soon', processingStartedAt: {}, payouts: 'none', flags: [1, null], requirementsDue: null, count: -1, attempt: 'x', outcome: 7 };
    for (const payload of [{}, odd]) {
      const message = await renderMessage(topic, payload, contextFor(topic, locale));
      expect(message.subject).not.toBe('');
      expect(message.html).toContain(`lang="${locale}"`);
      for (const text of [message.subject, message.title, message.body, message.text]) expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]|twelve/);
    }
  });

  it('gives the markup of react-email’s render (less React’s stream markers) and exactly its plain text', async () => {
    const strip = (html: string) => html.replace(/<!--(?:\$|\/\$|html|head|body| )-->/g, '');
    for (const topic of ['payout.rejected', 'alert.automatic_transfers_failed', 'creator.payouts_disabled'] as const) {
      const context = contextFor(topic, 'fr');
      const message = await renderMessage(topic, fixtures[topic], context);
      const { email } = composeEmail(topic, fixtures[topic], context);
      expect(message.html).toBe(strip(await render(email)));
      expect(message.text).toBe(await render(email, { plainText: true }));
    }
  });
});

describe('hasTemplate', () => {
  it('is true for every topic of the catalog in every language (iterating the catalog, not the templates)', async () => {
    const missing = Object.keys(topics).flatMap((topic) => notificationLocales.filter((locale) => !hasTemplate(topic, locale)).map((locale) => `${topic} (${locale})`));
    expect(missing).toEqual([]);
  });

  it('is false for an unknown topic or language', () => {
    expect(hasTemplate('payout.teleported', 'en')).toBe(false);
    expect(hasTemplate('payout.paid', 'de')).toBe(false);
    expect(hasTemplate('payout.paid', '')).toBe(false);
    expect(hasTemplate('toString', 'en')).toBe(false);
    expect(hasTemplate('payout.paid', 'toString')).toBe(false);
  });
});
