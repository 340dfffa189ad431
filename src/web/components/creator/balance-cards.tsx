import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatorBalance } from '../../api/creator-balance';
import { formatDateTime, formatDuration } from '../../lib/dates';
import { formatMoney } from '../../lib/money';
import { MoneyAmount } from '../money-amount';
import { secondsLeft, useNow } from './use-now';

/**
 * The creator's balances (seed 000's cards, from the ledger): available, held with the next
 * release, reserved in open requests, paid to date; under dispute and debt only when there is some.
 */
export function BalanceCards({ balance, fetchedAt }: { balance: CreatorBalance; fetchedAt: number }) {
  const { t, i18n } = useTranslation();
  const headingId = useId();
  const now = useNow(30_000);
  const { currency } = balance;
  const nextRelease = balance.payments.held.reduce<CreatorBalance['payments']['held'][number] | undefined>(
    (soonest, payment) => (soonest === undefined || payment.payoutReleaseDate < soonest.payoutReleaseDate ? payment : soonest),
    undefined,
  );
  // "Yours to request now" only when a request can be made: not over nothing, nor while a request is open.
  const availableNote =
    balance.availableBalance <= 0
      ? 'creator:balances.availableNoteNothing'
      : balance.pendingPayoutRequests.some((payout) => payout.origin === 'request')
        ? 'creator:balances.availableNoteOpen'
        : 'creator:balances.availableNote';

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="sr-only">
        {t('creator:balances.title')}
      </h2>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <BalanceCard label={t('creator:balances.available')} tone="highlight" note={t(availableNote)}>
          <MoneyAmount amount={balance.availableBalance} currency={currency} />
        </BalanceCard>
        <BalanceCard
          label={t('creator:balances.held')}
          note={
            nextRelease
              ? t('creator:balances.nextRelease', {
                  date: formatDateTime(nextRelease.payoutReleaseDate, i18n.language),
                  wait: formatDuration(secondsLeft(nextRelease.releaseInSeconds ?? 0, fetchedAt, now), i18n.language, { precision: 2 }),
                })
              : t('creator:balances.nothingHeld')
          }
        >
          <MoneyAmount amount={balance.pendingBalance} currency={currency} />
        </BalanceCard>
        <BalanceCard label={t('creator:balances.reserved')} note={t('creator:balances.reservedNote')}>
          <MoneyAmount amount={balance.reservedBalance} currency={currency} />
        </BalanceCard>
        <BalanceCard label={t('creator:balances.totalPaid')} note={t('creator:balances.totalPaidNote')}>
          <MoneyAmount amount={balance.totalPaid} currency={currency} />
        </BalanceCard>
        {balance.frozenBalance > 0 && (
          <BalanceCard label={t('creator:balances.frozen')} tone="warning" note={t('creator:balances.frozenNote')}>
            <MoneyAmount amount={balance.frozenBalance} currency={currency} />
          </BalanceCard>
        )}
        {balance.debt > 0 && (
          <BalanceCard label={t('creator:balances.debt')} tone="danger" note={t('creator:balances.debtNote')} wide>
            <MoneyAmount amount={balance.debt} currency={currency} />
            <DebtRecoveries recoveries={balance.recoveries} currency={currency} />
          </BalanceCard>
        )}
      </div>
    </section>
  );
}

const tones = {
  plain: 'border-slate-200 bg-white',
  highlight: 'border-indigo-200 bg-indigo-50',
  warning: 'border-amber-300 bg-amber-50',
  danger: 'border-red-300 bg-red-50',
} as const;

/** A card is a group named by its label, so that "the Available card" is something a screen reader (and a test) can find. */
function BalanceCard({ label, note, tone = 'plain', wide = false, children }: { label: string; note: string; tone?: keyof typeof tones; wide?: boolean; children: ReactNode }) {
  const labelId = useId();
  return (
    <div role="group" aria-labelledby={labelId} className={`rounded-lg border p-3 shadow-sm sm:p-4 ${tones[tone]} ${wide ? 'col-span-2 lg:col-span-4' : ''}`}>
      <p id={labelId} className="text-sm font-medium text-slate-700">
        {label}
      </p>
      <div className="tabular mt-1 text-xl font-semibold text-slate-900 sm:text-2xl">{children}</div>
      <p className="mt-1 text-xs text-slate-700">{note}</p>
    </div>
  );
}

/** How the debt was paid down, newest first (the ledger's `receivable` credits). */
function DebtRecoveries({ recoveries, currency }: { recoveries: CreatorBalance['recoveries']; currency: string }) {
  const { t, i18n } = useTranslation();
  if (recoveries.length === 0) return <p className="mt-2 text-sm font-normal text-slate-800">{t('creator:balances.noRecoveries')}</p>;
  return (
    <div className="mt-3 text-sm font-normal text-slate-800">
      <p className="font-medium">{t('creator:balances.recoveries')}</p>
      <ul className="mt-1 space-y-1">
        {recoveries.slice(0, 5).map((recovery) => (
          <li key={`${recovery.at}-${recovery.amount}-${recovery.via}`}>
            {t('creator:balances.recovery', {
              amount: formatMoney(recovery.amount, currency, i18n.language),
              date: formatDateTime(recovery.at, i18n.language),
              via: t(`creator:balances.recoveryVia.${recovery.via}`),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}
