import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { formatMoney } from '../../lib/money';
import { useErrorMessage } from '../../lib/use-error-message';

/**
 * Why a payout request was refused, in the language of the page. The shared error words
 * (`errors:<code>`, e.g. the wait left for PAYOUT_LIMIT_TOO_SOON) come first; the limit refusals
 * they do not cover are said here with the limit from the reply's details; anything else falls
 * back to the service's own message, which names the reason too.
 */
export function usePayoutRefusalMessage(currency: string): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  const errorMessage = useErrorMessage();
  return (error) => {
    if (error instanceof ApiError && !i18n.exists(`errors:${error.code}`) && i18n.exists(`creator:refusals.${error.code}`)) {
      const limit = Number(error.details?.limit);
      return t(`creator:refusals.${error.code}`, {
        limit: Number.isSafeInteger(limit) ? formatMoney(limit, currency, i18n.language) : '',
        count: Number.isSafeInteger(limit) ? limit : 0,
      });
    }
    return errorMessage(error);
  };
}
