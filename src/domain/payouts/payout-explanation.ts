import type { PayoutLimitFlag } from './limits.js';
import { formatCreatorMoney, formatWait, type CreatorLocale } from './messages.js';
import type { PayoutOrigin, PayoutStatus } from './payout-status.js';

/** What the explanation reads of a payout (the `payouts` row has all of it). */
export interface ExplainablePayout {
  status: PayoutStatus;
  origin: PayoutOrigin;
  amount: bigint;
  currency: string;
  flags: readonly string[];
  approvalReason: string | null;
  failedAttempts: number;
  nextRetryAt: Date | null;
  lastErrorCode: string | null;
  failureReason: string | null;
  reviewedBy: string | null;
  reviewNotes: string | null;
  transferredAt: Date | null;
  awaitsBankPayout: boolean;
}

export const payoutExplanationStates = [
  'waiting_for_approval',
  'waiting_for_admin',
  'waiting_to_be_sent',
  'sending',
  'on_its_way_to_bank',
  'retrying',
  'failed',
  'rejected',
  'cancelled',
] as const;
export type PayoutExplanationState = (typeof payoutExplanationStates)[number];

export interface PayoutExplanation {
  state: PayoutExplanationState;
  /** One or two plain sentences: where the payout stands and why. */
  message: string;
  /** What the creator should do, or null when nothing is needed from them. */
  action: string | null;
  /** When a retry is planned (state `retrying`). */
  retryAt: Date | null;
}

/** What a Stripe failure means to a creator: its cause, and what to do (null: nothing, it is on our side). */
interface FailureMeaning {
  cause: Record<CreatorLocale, string>;
  action: Record<CreatorLocale, string> | null;
}

const bankAccountUnusable: FailureMeaning = {
  cause: { en: 'your bank could not accept the money on that account', fr: 'votre banque n’a pas pu recevoir l’argent sur ce compte' },
  action: {
    en: 'Check the bank account in your Stripe dashboard, or add another one.',
    fr: 'Vérifiez le compte bancaire dans votre tableau de bord Stripe, ou ajoutez-en un autre.',
  },
};
const stripeAccountUnusable: FailureMeaning = {
  cause: { en: 'your Stripe account could not receive the transfer', fr: 'votre compte Stripe n’a pas pu recevoir le virement' },
  action: {
    en: 'Check that your Stripe account is active, or reconnect it from your payout settings.',
    fr: 'Vérifiez que votre compte Stripe est actif, ou reconnectez-le depuis vos paramètres de paiement.',
  },
};
const payoutsPaused: FailureMeaning = {
  cause: { en: 'Stripe has paused payouts on your account', fr: 'Stripe a suspendu les virements sur votre compte' },
  action: {
    en: 'Complete the information Stripe asks for in your Stripe dashboard; payouts resume once Stripe has it.',
    fr: 'Complétez les informations demandées dans votre tableau de bord Stripe ; les virements reprendront ensuite.',
  },
};
const platformBalanceLow: FailureMeaning = {
  cause: { en: 'the platform’s balance at Stripe was too low at that moment', fr: 'le solde de la plateforme chez Stripe était insuffisant à ce moment-là' },
  action: null,
};
const temporaryProblem: FailureMeaning = {
  cause: { en: 'Stripe had a temporary problem', fr: 'Stripe a rencontré un problème temporaire' },
  action: null,
};

/** Common Stripe codes (transfers and bank payouts), lower case. */
const failureMeanings: Readonly<Record<string, FailureMeaning>> = {
  account_closed: {
    cause: { en: 'the bank account on your Stripe account is closed', fr: 'le compte bancaire lié à votre compte Stripe est clôturé' },
    action: { en: 'Add a new bank account in your Stripe dashboard.', fr: 'Ajoutez un nouveau compte bancaire dans votre tableau de bord Stripe.' },
  },
  account_frozen: bankAccountUnusable,
  bank_account_restricted: bankAccountUnusable,
  bank_ownership_changed: bankAccountUnusable,
  could_not_process: bankAccountUnusable,
  debit_not_authorized: bankAccountUnusable,
  declined: bankAccountUnusable,
  incorrect_account_holder_name: {
    cause: { en: 'the account holder name does not match the bank’s records', fr: 'le nom du titulaire ne correspond pas à celui connu de la banque' },
    action: { en: 'Correct the account holder name in your Stripe dashboard.', fr: 'Corrigez le nom du titulaire dans votre tableau de bord Stripe.' },
  },
  invalid_account_number: {
    cause: { en: 'the bank account number is not valid', fr: 'le numéro du compte bancaire n’est pas valide' },
    action: { en: 'Correct the bank account details in your Stripe dashboard.', fr: 'Corrigez les coordonnées bancaires dans votre tableau de bord Stripe.' },
  },
  invalid_currency: {
    cause: { en: 'your bank account cannot receive this currency', fr: 'votre compte bancaire ne peut pas recevoir cette devise' },
    action: { en: 'Add a bank account in this currency in your Stripe dashboard.', fr: 'Ajoutez un compte bancaire dans cette devise dans votre tableau de bord Stripe.' },
  },
  no_account: stripeAccountUnusable,
  account_invalid: stripeAccountUnusable,
  invalid_request_error: stripeAccountUnusable,
  payouts_not_allowed: payoutsPaused,
  payouts_disabled: payoutsPaused,
  transfers_not_allowed: payoutsPaused,
  account_restricted: payoutsPaused,
  insufficient_funds: platformBalanceLow,
  balance_insufficient: platformBalanceLow,
  rate_limit: temporaryProblem,
  api_error: temporaryProblem,
  lock_timeout: temporaryProblem,
  processing_error: temporaryProblem,
  connection_error: temporaryProblem,
  timeout: temporaryProblem,
};

const unknownFailure: FailureMeaning = {
  cause: { en: 'the transfer did not go through', fr: 'le virement n’a pas abouti' },
  action: { en: 'Contact support if it happens again.', fr: 'Contactez le support si cela se reproduit.' },
};

/** The meaning of a Stripe failure code for a creator (unknown codes get a generic one). */
export function failureMeaning(code: string | null): FailureMeaning {
  return (code ? failureMeanings[code.toLowerCase()] : undefined) ?? unknownFailure;
}

const flagReasons: Readonly<Record<PayoutLimitFlag, Record<CreatorLocale, string>>> = {
  REQUIRES_ADMIN_APPROVAL: { en: 'the amount is above what is approved automatically', fr: 'le montant dépasse le seuil d’approbation automatique' },
  NEW_ACCOUNT: { en: 'your account is new', fr: 'votre compte est récent' },
  HIGH_FREQUENCY: { en: 'there were many payout requests in the last 24 hours', fr: 'de nombreuses demandes de paiement ont été faites en 24 heures' },
  LARGE_SHARE_OF_EARNINGS: { en: 'the amount is most of what you have earned so far', fr: 'le montant représente l’essentiel de vos revenus à ce jour' },
  LARGE_FIRST_PAYOUT: { en: 'it is a large first payout', fr: 'il s’agit d’un premier paiement important' },
};

function joinReasons(reasons: string[], locale: CreatorLocale): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(reasons);
}

/**
 * Where a payout that is not paid yet stands, why, and what (if anything) the creator should
 * do — in plain words, in English or French. Null for a PAID payout. Pure: `now` is passed in.
 *
 * @example
 * explainPayout(payout, { locale: 'en', mode: 'manual', now });
 * // { state: 'retrying', message: 'The transfer did not go through because Stripe had a temporary problem. We will try again in 10 minutes (attempt 3 of 4).', action: null, retryAt: … }
 */
export function explainPayout(
  payout: ExplainablePayout,
  options: { locale: CreatorLocale; now: Date; mode: 'manual' | 'automatic' | 'scheduled'; maxRetries?: number },
): PayoutExplanation | null {
  const { locale, now } = options;
  const fr = locale === 'fr';
  const amount = formatCreatorMoney(payout.amount, payout.currency, locale);
  const backInBalance = fr ? `Les ${amount} sont de nouveau dans votre solde disponible.` : `The ${amount} is back in your available balance.`;
  const explanation = (state: PayoutExplanationState, message: string, action: string | null = null, retryAt: Date | null = null): PayoutExplanation => ({ state, message, action, retryAt });

  switch (payout.status) {
    case 'PAID':
      return null;
    case 'PENDING_APPROVAL': {
      const reasons = payout.flags.filter((flag): flag is PayoutLimitFlag => flag in flagReasons).map((flag) => flagReasons[flag][locale]);
      const why = reasons.length > 0 ? joinReasons(reasons, locale) : fr ? 'elle dépasse nos limites habituelles' : 'it is outside our usual limits';
      return explanation(
        'waiting_for_approval',
        fr
          ? `Ce paiement attend la validation de notre équipe, car ${why}. Vous serez prévenu dès qu’il sera approuvé.`
          : `This payout is waiting for our team’s approval because ${why}. You will be notified as soon as it is approved.`,
      );
    }
    case 'PENDING':
      if (options.mode === 'manual' && payout.origin === 'request') {
        return explanation(
          'waiting_for_admin',
          fr ? 'Votre demande a bien été reçue ; un administrateur va lancer le virement.' : 'Your request has been received; an admin will send the transfer.',
        );
      }
      return explanation('waiting_to_be_sent', fr ? 'Ce paiement va être envoyé automatiquement sous peu.' : 'This payout will be sent automatically shortly.');
    case 'PROCESSING': {
      if (payout.nextRetryAt !== null && payout.transferredAt === null) {
        const meaning = failureMeaning(payout.lastErrorCode);
        const wait = Math.max(0, Math.round((payout.nextRetryAt.getTime() - now.getTime()) / 1000));
        const when = wait === 0 ? (fr ? 'dans un instant' : 'in a moment') : fr ? `dans ${formatWait(wait, locale)}` : `in ${formatWait(wait, locale)}`;
        const attempts = options.maxRetries === undefined ? '' : fr ? ` (tentative ${payout.failedAttempts + 1} sur ${options.maxRetries + 1})` : ` (attempt ${payout.failedAttempts + 1} of ${options.maxRetries + 1})`;
        return explanation(
          'retrying',
          fr
            ? `Le virement n’a pas abouti, car ${meaning.cause.fr}. Nous réessaierons ${when}${attempts}.`
            : `The transfer did not go through because ${meaning.cause.en}. We will try again ${when}${attempts}.`,
          meaning.action?.[locale] ?? null,
          payout.nextRetryAt,
        );
      }
      if (payout.transferredAt !== null && payout.awaitsBankPayout) {
        return explanation(
          'on_its_way_to_bank',
          fr
            ? 'L’argent est sur votre compte Stripe et le virement vers votre banque est en cours (en général 1 à 3 jours ouvrés).'
            : 'The money is on your Stripe account and on its way to your bank (usually 1 to 3 business days).',
        );
      }
      return explanation('sending', fr ? 'Le virement vers votre compte Stripe est en cours.' : 'The transfer to your Stripe account is under way.');
    }
    case 'FAILED': {
      const meaning = failureMeaning(payout.lastErrorCode);
      const action = meaning.action?.[locale] ?? (fr ? 'Vous pouvez demander à nouveau ce paiement ; notre équipe a été prévenue.' : 'You can request the payout again; our team has been told.');
      return explanation('failed', fr ? `Ce paiement a échoué, car ${meaning.cause.fr}. ${backInBalance}` : `This payout failed because ${meaning.cause.en}. ${backInBalance}`, action);
    }
    case 'CANCELLED': {
      const notes = payout.reviewNotes ?? payout.failureReason;
      if (payout.reviewedBy !== null) {
        return explanation(
          'rejected',
          fr
            ? `Notre équipe a refusé ce paiement${notes ? ` : « ${notes} »` : ''}. ${backInBalance}`
            : `Our team rejected this payout${notes ? `: “${notes}”` : ''}. ${backInBalance}`,
          fr ? 'Contactez le support si vous avez des questions.' : 'Contact support if you have questions.',
        );
      }
      return explanation('cancelled', fr ? `Ce paiement a été annulé${notes ? ` : « ${notes} »` : ''}. ${backInBalance}` : `This payout was cancelled${notes ? `: “${notes}”` : ''}. ${backInBalance}`);
    }
  }
}
