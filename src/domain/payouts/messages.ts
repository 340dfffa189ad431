import { formatMoney, money } from '../money/index.js';
import type { PayoutLimitCode } from './limits.js';

/**
 * What creators read about their payout requests, in their language (`creators.locale`): the
 * success message of seed 000 ("Demande de paiement de 126,00 € créée avec succès") and the
 * refusals. Error codes never change with the language; only `message` does.
 */
export const creatorLocales = ['en', 'fr'] as const;
export type CreatorLocale = (typeof creatorLocales)[number];

/** The supported language for a BCP 47 tag: `fr`, `fr-CA` → fr; anything else → en. */
export function creatorLocale(tag: string | null | undefined): CreatorLocale {
  const language = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (creatorLocales as readonly string[]).includes(language ?? '') ? (language as CreatorLocale) : 'en';
}

/** An amount for people, in the creator's language: `126,00 €` (fr), `€126.00` (en). */
export function formatCreatorMoney(amountMinor: bigint | number, currency: string, locale: CreatorLocale): string {
  return formatMoney(money(BigInt(amountMinor), currency), locale);
}

/**
 * The reply to a request that was accepted.
 * @example
 * payoutRequestedMessage({ amount: 12600n, currency: 'eur', status: 'PENDING' }, 'fr'); // 'Demande de paiement de 126,00 € créée avec succès'
 */
export function payoutRequestedMessage(payout: { amount: bigint; currency: string; status: 'PENDING' | 'PENDING_APPROVAL' }, locale: CreatorLocale): string {
  const amount = formatCreatorMoney(payout.amount, payout.currency, locale);
  const created = locale === 'fr' ? `Demande de paiement de ${amount} créée avec succès` : `Payout request of ${amount} created successfully`;
  if (payout.status === 'PENDING') return created;
  return locale === 'fr'
    ? `${created}. Elle sera vérifiée par notre équipe avant d’être envoyée.`
    : `${created}. Our team will review it before it is sent.`;
}

/** The API error code of each limit refusal (docs/payout-requests.md). */
export const limitRefusalErrorCodes: Readonly<Record<PayoutLimitCode, string>> = {
  EXCEEDS_SINGLE_LIMIT: 'PAYOUT_LIMIT_EXCEEDS_SINGLE',
  EXCEEDS_NEW_ACCOUNT_LIMIT: 'PAYOUT_LIMIT_EXCEEDS_NEW_ACCOUNT',
  TOO_SOON_AFTER_PREVIOUS: 'PAYOUT_LIMIT_TOO_SOON',
  EXCEEDS_DAILY_COUNT: 'PAYOUT_LIMIT_EXCEEDS_DAILY_COUNT',
  EXCEEDS_DAILY_AMOUNT: 'PAYOUT_LIMIT_EXCEEDS_DAILY_AMOUNT',
  EXCEEDS_MONTHLY_AMOUNT: 'PAYOUT_LIMIT_EXCEEDS_MONTHLY_AMOUNT',
};

/** Why a request was refused, with what the message needs. Amounts are minor units of `currency`. */
export type PayoutRequestRefusal =
  | { code: 'PAYOUT_INVALID_AMOUNT' }
  | { code: 'PAYOUT_BELOW_MINIMUM'; currency: string; minimum: bigint }
  | { code: 'PAYOUT_STRIPE_NOT_CONNECTED' }
  | { code: 'PAYOUT_PAYOUTS_DISABLED' }
  | { code: 'PAYOUT_INSUFFICIENT_BALANCE'; currency: string; available: bigint }
  | { code: 'PAYOUT_REQUEST_ALREADY_OPEN'; currency: string }
  | { code: 'PAYOUT_FUNDS_ON_HOLD' }
  | { code: 'PAYOUT_LIMIT_EXCEEDS_SINGLE' | 'PAYOUT_LIMIT_EXCEEDS_NEW_ACCOUNT' | 'PAYOUT_LIMIT_EXCEEDS_DAILY_AMOUNT' | 'PAYOUT_LIMIT_EXCEEDS_MONTHLY_AMOUNT'; currency: string; limit: bigint; days?: number }
  | { code: 'PAYOUT_LIMIT_EXCEEDS_DAILY_COUNT'; count: number }
  | { code: 'PAYOUT_LIMIT_TOO_SOON'; retryAfterSeconds: number };

/** A wait in words: "3 minutes", "45 secondes". */
export function formatWait(seconds: number, locale: CreatorLocale): string {
  const [value, unit] = seconds >= 60 ? [Math.ceil(seconds / 60), 'minute' as const] : [Math.max(1, Math.ceil(seconds)), 'second' as const];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/**
 * The creator-facing message of a refusal.
 * @example
 * payoutRefusalMessage({ code: 'PAYOUT_BELOW_MINIMUM', currency: 'eur', minimum: 100n }, 'fr'); // 'Le montant minimum d’un paiement est de 1,00 €'
 */
export function payoutRefusalMessage(refusal: PayoutRequestRefusal, locale: CreatorLocale): string {
  const fr = locale === 'fr';
  const fmt = (amount: bigint, currency: string) => formatCreatorMoney(amount, currency, locale);
  switch (refusal.code) {
    case 'PAYOUT_INVALID_AMOUNT':
      return fr
        ? 'Le montant doit être un nombre entier positif d’unités mineures (par exemple 12600 pour 126,00 €)'
        : 'The amount must be a positive whole number of minor units (for example 12600 for €126.00)';
    case 'PAYOUT_BELOW_MINIMUM':
      return fr ? `Le montant minimum d’un paiement est de ${fmt(refusal.minimum, refusal.currency)}` : `The minimum payout is ${fmt(refusal.minimum, refusal.currency)}`;
    case 'PAYOUT_STRIPE_NOT_CONNECTED':
      return fr
        ? 'Connectez votre compte Stripe pour recevoir des paiements'
        : 'Connect your Stripe account to receive payouts';
    case 'PAYOUT_PAYOUTS_DISABLED':
      return fr
        ? 'Stripe n’autorise pas encore les virements sur votre compte : complétez les informations demandées dans votre tableau de bord Stripe'
        : 'Stripe does not allow payouts to your account yet: complete the information Stripe asks for in your Stripe dashboard';
    case 'PAYOUT_INSUFFICIENT_BALANCE':
      return fr
        ? `Le montant dépasse votre solde disponible (${fmt(refusal.available, refusal.currency)})`
        : `The amount is more than your available balance (${fmt(refusal.available, refusal.currency)})`;
    case 'PAYOUT_REQUEST_ALREADY_OPEN':
      return fr
        ? `Vous avez déjà une demande de paiement en ${refusal.currency.toUpperCase()} en cours`
        : `You already have a payout request in ${refusal.currency.toUpperCase()} that is not finished`;
    case 'PAYOUT_FUNDS_ON_HOLD':
      return fr
        ? 'Une partie de votre solde disponible est bloquée pour vérification et ne peut pas encore être versée'
        : 'Part of your available balance is on hold for review and cannot be paid out yet';
    case 'PAYOUT_LIMIT_EXCEEDS_SINGLE':
      return fr ? `Un paiement ne peut pas dépasser ${fmt(refusal.limit, refusal.currency)}` : `A single payout cannot exceed ${fmt(refusal.limit, refusal.currency)}`;
    case 'PAYOUT_LIMIT_EXCEEDS_NEW_ACCOUNT':
      return fr
        ? `Pendant les ${refusal.days ?? 30} premiers jours de votre compte, un paiement ne peut pas dépasser ${fmt(refusal.limit, refusal.currency)}`
        : `During your account's first ${refusal.days ?? 30} days, a payout cannot exceed ${fmt(refusal.limit, refusal.currency)}`;
    case 'PAYOUT_LIMIT_EXCEEDS_DAILY_COUNT':
      return fr
        ? `Vous avez atteint la limite de ${refusal.count} demandes de paiement par 24 heures`
        : `You have reached the limit of ${refusal.count} payout requests per 24 hours`;
    case 'PAYOUT_LIMIT_EXCEEDS_DAILY_AMOUNT':
      return fr
        ? `Ce paiement dépasserait la limite de ${fmt(refusal.limit, refusal.currency)} par 24 heures`
        : `This payout would exceed the limit of ${fmt(refusal.limit, refusal.currency)} per 24 hours`;
    case 'PAYOUT_LIMIT_EXCEEDS_MONTHLY_AMOUNT':
      return fr
        ? `Ce paiement dépasserait la limite de ${fmt(refusal.limit, refusal.currency)} par mois`
        : `This payout would exceed the limit of ${fmt(refusal.limit, refusal.currency)} per month`;
    case 'PAYOUT_LIMIT_TOO_SOON':
      return fr
        ? `Veuillez patienter ${formatWait(refusal.retryAfterSeconds, locale)} avant une nouvelle demande de paiement`
        : `Please wait ${formatWait(refusal.retryAfterSeconds, locale)} before requesting another payout`;
  }
}
