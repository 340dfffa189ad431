import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useRequestPayout, type PayoutRequestReply } from '../../api/creator-payouts';
import { formatAmountForInput, formatMoney, parseTypedAmount } from '../../lib/money';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Input } from '../ui/input';
import { Label } from '../ui/label';
import { usePayoutRefusalMessage } from './use-payout-refusal-message';

/**
 * Request a payout (seed 000): the amount in major units as the person types it in their locale,
 * prefilled with everything available, parsed exactly to minor units (no float anywhere), sent as
 * `POST /api/payouts/request`; each refusal is shown with its reason, next to the field. What the
 * service would refuse whatever the amount — a second open request (PAYOUT_REQUEST_ALREADY_OPEN),
 * nothing available — is said up front, and the button is disabled.
 */
export function RequestPayoutForm({ available, currency, hasOpenRequest }: { available: number; currency: string; hasOpenRequest: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const headingId = useId();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const blockedId = useId();
  const request = useRequestPayout();
  const refusalMessage = usePayoutRefusalMessage(currency);
  const errorMessage = useErrorMessage();
  // Untouched, the field follows the available balance (and the locale); once typed in, it is the person's.
  const [typed, setTyped] = useState<string | undefined>();
  const [parseError, setParseError] = useState<string | undefined>();
  const [accepted, setAccepted] = useState<PayoutRequestReply['payout'] | undefined>();
  const inputRef = useRef<HTMLInputElement>(null);
  const value = typed ?? (available > 0 ? formatAmountForInput(available, currency, locale) : '');
  const error = parseError ?? (request.isError ? refusalMessage(request.error) : undefined);
  // The service allows one open request per currency (`origin` request; automatic payouts do not count).
  const blocked = hasOpenRequest ? t('creator:request.blockedOpen') : available <= 0 ? t('creator:request.blockedNothing') : undefined;
  const describedBy = [hintId, blocked !== undefined && blockedId, error !== undefined && errorId].filter(Boolean).join(' ');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (request.isPending || blocked !== undefined) return;
    setAccepted(undefined);
    const parsed = parseTypedAmount(value, currency, locale);
    if (!parsed.ok) {
      request.reset();
      setParseError(errorMessage({ code: parsed.code }));
      inputRef.current?.focus();
      return;
    }
    setParseError(undefined);
    request.mutate(
      { amount: parsed.amountMinor, currency },
      {
        onSuccess: (reply) => {
          setAccepted(reply.payout);
          setTyped(undefined);
        },
      },
    );
  };

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={headingId} className="text-lg font-semibold text-slate-900">
        {t('creator:request.title')}
      </h2>
      <form onSubmit={submit} noValidate aria-labelledby={headingId} aria-describedby={blocked !== undefined ? blockedId : undefined} className="mt-3 space-y-3">
        <div className="space-y-1">
          <Label htmlFor={inputId}>{t('creator:request.amount')}</Label>
          <div className="flex max-w-xs items-center gap-2">
            <Input
              ref={inputRef}
              id={inputId}
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              value={value}
              readOnly={blocked !== undefined}
              onChange={(event) => {
                setTyped(event.target.value);
                // A refusal was about the amount sent: once it is being changed, it no longer applies.
                setParseError(undefined);
                if (request.isError) request.reset();
              }}
              aria-invalid={error !== undefined}
              aria-describedby={describedBy}
              className="tabular text-right"
            />
            <span className="text-sm font-medium text-slate-700" aria-hidden="true">
              {currency.toUpperCase()}
            </span>
          </div>
          <p id={hintId} className="text-xs text-slate-700">
            {t('creator:request.hint', { available: formatMoney(available, currency, locale), example: formatAmountForInput(12650, currency, locale) })}
          </p>
        </div>
        {blocked !== undefined && (
          <Alert tone="info" id={blockedId}>
            {blocked}
          </Alert>
        )}
        {error !== undefined && (
          <Alert tone="error" id={errorId}>
            {error}
          </Alert>
        )}
        {accepted && (
          <Alert tone="success">
            {t(accepted.status === 'PENDING_APPROVAL' ? 'creator:request.acceptedForReview' : 'creator:request.accepted', {
              amount: formatMoney(accepted.amount, accepted.currency, locale),
            })}
          </Alert>
        )}
        <Button type="submit" disabled={blocked !== undefined} aria-disabled={request.isPending} aria-describedby={blocked !== undefined ? blockedId : undefined}>
          {request.isPending ? t('creator:request.submitting') : t('creator:request.submit')}
        </Button>
      </form>
    </section>
  );
}
