import { describe, expect, it } from 'vitest';
import { creatorLocale, formatWait, payoutRefusalMessage, payoutRequestedMessage, type PayoutRequestRefusal } from './messages.js';

describe('creator messages', () => {
  it("says seed 000's French success message, with French money formatting", () => {
    expect(payoutRequestedMessage({ amount: 12600n, currency: 'eur', status: 'PENDING' }, 'fr')).toBe('Demande de paiement de 126,00\u00a0€ créée avec succès');
    expect(payoutRequestedMessage({ amount: 12600n, currency: 'eur', status: 'PENDING' }, 'en')).toBe('Payout request of €126.00 created successfully');
    expect(payoutRequestedMessage({ amount: 600000n, currency: 'eur', status: 'PENDING_APPROVAL' }, 'fr')).toBe(
      'Demande de paiement de 6\u202f000,00\u00a0€ créée avec succès. Elle sera vérifiée par notre équipe avant d’être envoyée.',
    );
  });

  it('picks the language from the creator’s locale tag', () => {
    expect(creatorLocale('fr')).toBe('fr');
    expect(creatorLocale('fr-CA')).toBe('fr');
    expect(creatorLocale('FR_fr')).toBe('fr');
    expect(creatorLocale('de')).toBe('en');
    expect(creatorLocale(null)).toBe('en');
    expect(creatorLocale('')).toBe('en');
  });

  const refusals: PayoutRequestRefusal[] = [
    { code: 'PAYOUT_INVALID_AMOUNT' },
    { code: 'PAYOUT_BELOW_MINIMUM', currency: 'eur', minimum: 100n },
    { code: 'PAYOUT_STRIPE_NOT_CONNECTED' },
    { code: 'PAYOUT_PAYOUTS_DISABLED' },
    { code: 'PAYOUT_INSUFFICIENT_BALANCE', currency: 'eur', available: 12600n },
    { code: 'PAYOUT_REQUEST_ALREADY_OPEN', currency: 'eur' },
    { code: 'PAYOUT_FUNDS_ON_HOLD' },
    { code: 'PAYOUT_LIMIT_EXCEEDS_SINGLE', currency: 'eur', limit: 1_000_000n },
    { code: 'PAYOUT_LIMIT_EXCEEDS_NEW_ACCOUNT', currency: 'eur', limit: 100_000n, days: 30 },
    { code: 'PAYOUT_LIMIT_EXCEEDS_DAILY_COUNT', count: 3 },
    { code: 'PAYOUT_LIMIT_EXCEEDS_DAILY_AMOUNT', currency: 'eur', limit: 2_500_000n },
    { code: 'PAYOUT_LIMIT_EXCEEDS_MONTHLY_AMOUNT', currency: 'eur', limit: 10_000_000n },
    { code: 'PAYOUT_LIMIT_TOO_SOON', retryAfterSeconds: 181 },
  ];
  it.each(refusals)('has an English and a French message for $code', (refusal) => {
    const en = payoutRefusalMessage(refusal, 'en');
    const fr = payoutRefusalMessage(refusal, 'fr');
    expect(en.length).toBeGreaterThan(10);
    expect(fr.length).toBeGreaterThan(10);
    expect(fr).not.toBe(en);
  });

  it('puts the numbers in', () => {
    expect(payoutRefusalMessage({ code: 'PAYOUT_BELOW_MINIMUM', currency: 'eur', minimum: 100n }, 'fr')).toBe('Le montant minimum d’un paiement est de 1,00\u00a0€');
    expect(payoutRefusalMessage({ code: 'PAYOUT_INSUFFICIENT_BALANCE', currency: 'eur', available: 12600n }, 'en')).toBe('The amount is more than your available balance (€126.00)');
    expect(payoutRefusalMessage({ code: 'PAYOUT_LIMIT_TOO_SOON', retryAfterSeconds: 181 }, 'en')).toBe('Please wait 4 minutes before requesting another payout');
    expect(payoutRefusalMessage({ code: 'PAYOUT_LIMIT_TOO_SOON', retryAfterSeconds: 45 }, 'fr')).toBe('Veuillez patienter 45\u00a0secondes avant une nouvelle demande de paiement');
    expect(formatWait(60, 'en')).toBe('1 minute');
  });
});
