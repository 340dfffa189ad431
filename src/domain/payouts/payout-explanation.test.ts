import { describe, expect, it } from 'vitest';
import { explainPayout, failureMeaning, type ExplainablePayout } from './payout-explanation.js';

const now = new Date('2026-03-15T12:00:00Z');
const base: ExplainablePayout = {
  status: 'PENDING',
  origin: 'request',
  amount: 12600n,
  currency: 'eur',
  flags: [],
  approvalReason: null,
  failedAttempts: 0,
  nextRetryAt: null,
  lastErrorCode: null,
  failureReason: null,
  reviewedBy: null,
  reviewNotes: null,
  transferredAt: null,
  awaitsBankPayout: false,
};
const explain = (overrides: Partial<ExplainablePayout>, locale: 'en' | 'fr' = 'en', mode: 'manual' | 'automatic' | 'scheduled' = 'manual') =>
  explainPayout({ ...base, ...overrides }, { locale, now, mode, maxRetries: 3 });

describe('explainPayout', () => {
  it('has nothing to explain about a paid payout', () => {
    expect(explain({ status: 'PAID' })).toBeNull();
  });

  it('says a flagged payout waits for approval, and why, from its flags', () => {
    const en = explain({ status: 'PENDING_APPROVAL', flags: ['REQUIRES_ADMIN_APPROVAL', 'NEW_ACCOUNT'], approvalReason: 'Amount €6,000.00 exceeds €5,000.00' });
    expect(en).toEqual({
      state: 'waiting_for_approval',
      message: 'This payout is waiting for our team’s approval because the amount is above what is approved automatically and your account is new. You will be notified as soon as it is approved.',
      action: null,
      retryAt: null,
    });
    const fr = explain({ status: 'PENDING_APPROVAL', flags: ['LARGE_FIRST_PAYOUT'] }, 'fr');
    expect(fr?.message).toBe('Ce paiement attend la validation de notre équipe, car il s’agit d’un premier paiement important. Vous serez prévenu dès qu’il sera approuvé.');
  });

  it('says a request waits for an admin in manual mode, and is sent automatically otherwise', () => {
    expect(explain({})).toMatchObject({ state: 'waiting_for_admin', message: 'Your request has been received; an admin will send the transfer.' });
    expect(explain({}, 'en', 'automatic')).toMatchObject({ state: 'waiting_to_be_sent' });
    expect(explain({ origin: 'scheduled' }, 'fr', 'scheduled')).toMatchObject({ state: 'waiting_to_be_sent', message: 'Ce paiement va être envoyé automatiquement sous peu.' });
  });

  it('says a transfer is under way, or on its way to the bank', () => {
    expect(explain({ status: 'PROCESSING' })).toMatchObject({ state: 'sending' });
    expect(explain({ status: 'PROCESSING', transferredAt: now, awaitsBankPayout: true })).toMatchObject({ state: 'on_its_way_to_bank' });
  });

  it('says when a retry comes and why the last attempt failed', () => {
    const retryAt = new Date(now.getTime() + 10 * 60_000);
    expect(explain({ status: 'PROCESSING', failedAttempts: 2, nextRetryAt: retryAt, lastErrorCode: 'balance_insufficient' })).toEqual({
      state: 'retrying',
      message: 'The transfer did not go through because the platform’s balance at Stripe was too low at that moment. We will try again in 10 minutes (attempt 3 of 4).',
      action: null,
      retryAt,
    });
    expect(explain({ status: 'PROCESSING', failedAttempts: 1, nextRetryAt: retryAt, lastErrorCode: 'account_closed' }, 'fr')).toMatchObject({
      message: 'Le virement n’a pas abouti, car le compte bancaire lié à votre compte Stripe est clôturé. Nous réessaierons dans 10 minutes (tentative 2 sur 4).',
      action: 'Ajoutez un nouveau compte bancaire dans votre tableau de bord Stripe.',
    });
  });

  it.each([
    ['account_closed', 'Add a new bank account in your Stripe dashboard.'],
    ['insufficient_funds', 'You can request the payout again; our team has been told.'],
    ['balance_insufficient', 'You can request the payout again; our team has been told.'],
    ['account_invalid', 'Check that your Stripe account is active, or reconnect it from your payout settings.'],
    ['no_account', 'Check that your Stripe account is active, or reconnect it from your payout settings.'],
    ['payouts_not_allowed', 'Complete the information Stripe asks for in your Stripe dashboard; payouts resume once Stripe has it.'],
    ['invalid_account_number', 'Correct the bank account details in your Stripe dashboard.'],
    ['something_new', 'Contact support if it happens again.'],
  ])('says what to fix after a final failure with %s', (code, action) => {
    const failed = explain({ status: 'FAILED', lastErrorCode: code, failedAttempts: 1 });
    expect(failed).toMatchObject({ state: 'failed', action });
    expect(failed?.message).toMatch(/^This payout failed because .+\. The €126\.00 is back in your available balance\.$/);
  });

  it('gives the notes of a rejection, and of a cancellation', () => {
    expect(explain({ status: 'CANCELLED', reviewedBy: 'user:usr_admin', reviewNotes: 'Identity not verified' }, 'fr')).toMatchObject({
      state: 'rejected',
      message: 'Notre équipe a refusé ce paiement : « Identity not verified ». Les 126,00\u00a0€ sont de nouveau dans votre solde disponible.',
    });
    expect(explain({ status: 'CANCELLED', failureReason: 'Withdrawn' })).toMatchObject({
      state: 'cancelled',
      message: 'This payout was cancelled: “Withdrawn”. The €126.00 is back in your available balance.',
      action: null,
    });
  });

  it('reads codes in any case', () => {
    expect(failureMeaning('ACCOUNT_CLOSED')).toBe(failureMeaning('account_closed'));
  });
});
