import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreatorContext, type CreatorContext } from '../../api/admin-creators';
import { formatDate } from '../../lib/dates';
import { MoneyAmount } from '../money-amount';
import { QueryState } from '../query-state';
import { StatusBadge } from '../status-badge';
import { Badge } from '../ui/badge';
import { Card } from '../ui/card';
import { OnboardingStateBadge } from './onboarding-state-badge';
import { PayoutFlags } from './payout-flags';
import { StripeAccountLink } from './stripe-account-link';

function Fact({ term, children }: { term: ReactNode; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-1">
      <dt className="text-slate-600">{term}</dt>
      <dd className="text-right font-medium text-slate-900">{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <section className="border-t border-slate-100 pt-3">
      <h3 className="mb-1 text-sm font-semibold text-slate-900">{title}</h3>
      {children}
    </section>
  );
}

/**
 * Seed 002's "user context panel": who asks (account age, onboarding), what they earned, what
 * they were paid before, and what went wrong (refunds, disputes): what an admin weighs before
 * approving. Amounts are in the payout's currency.
 */
export function CreatorContextPanel({ creatorId, currency }: { creatorId: string; currency: string }) {
  const { t } = useTranslation('admin');
  const context = useCreatorContext(creatorId, currency);
  return (
    <Card aria-labelledby="creator-context-title">
      <h2 id="creator-context-title" className="mb-3 text-lg font-semibold text-slate-900">
        {t('context.title')}
      </h2>
      <QueryState query={context}>{(data) => <ContextBody context={data} />}</QueryState>
    </Card>
  );
}

function ContextBody({ context }: { context: CreatorContext }) {
  const { t, i18n } = useTranslation('admin');
  const { currency, balances, lifetimeEarnings, payouts, refunds, disputes } = context;
  const paid = payouts.byStatus.PAID;
  return (
    <div className="space-y-3 text-sm">
      <div>
        <p className="font-medium text-slate-900">{context.name}</p>
        <p className="text-slate-600">{context.email}</p>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <OnboardingStateBadge state={context.onboarding.state} />
          {context.disabled && <Badge tone="danger">{t('context.disabled')}</Badge>}
          <StripeAccountLink accountId={context.stripeAccountId} url={context.stripeDashboardUrl} />
        </div>
      </div>
      <dl>
        <Fact term={t('context.accountAge')}>
          {t('context.accountAgeDays', { count: context.accountAgeDays })}
          <span className="block text-xs font-normal text-slate-600">{t('context.since', { date: formatDate(context.createdAt, i18n.language) })}</span>
        </Fact>
        <Fact term={t('context.lifetimeEarnings')}>
          <MoneyAmount amount={lifetimeEarnings.netAmount} currency={currency} />
          <span className="block text-xs font-normal text-slate-600">{t('context.payments', { count: lifetimeEarnings.paymentCount })}</span>
        </Fact>
        <Fact term={t('balances.available')}>
          <MoneyAmount amount={balances.available} currency={currency} />
        </Fact>
        <Fact term={t('balances.held')}>
          <MoneyAmount amount={balances.held} currency={currency} />
        </Fact>
        <Fact term={t('balances.reserved')}>
          <MoneyAmount amount={balances.reserved} currency={currency} />
        </Fact>
        {balances.frozen > 0 && (
          <Fact term={t('balances.frozen')}>
            <MoneyAmount amount={balances.frozen} currency={currency} />
          </Fact>
        )}
        {balances.debt > 0 && (
          <Fact term={t('balances.debt')}>
            <MoneyAmount amount={balances.debt} currency={currency} className="text-red-800" />
          </Fact>
        )}
      </dl>

      <Section title={t('context.payoutHistory')}>
        <dl>
          <Fact term={t('context.paidSoFar', { count: paid.count })}>
            <MoneyAmount amount={paid.amount} currency={currency} />
          </Fact>
        </dl>
        {payouts.byStatus.FAILED.count + payouts.byStatus.CANCELLED.count > 0 && (
          <p className="text-slate-700">{t('context.failedOrCancelled', { failed: payouts.byStatus.FAILED.count, cancelled: payouts.byStatus.CANCELLED.count })}</p>
        )}
        {payouts.recent.length === 0 ? (
          <p className="text-slate-600">{t('context.noPayouts')}</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100" aria-label={t('context.recentPayouts')}>
            {payouts.recent.map((payout) => (
              <li key={payout.id} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
                <span className="text-slate-700">{formatDate(payout.requestedAt, i18n.language)}</span>
                <MoneyAmount amount={payout.amount} currency={payout.currency} className="font-medium" />
                <StatusBadge status={payout.status} />
                {payout.flags.length > 0 && (
                  <div className="w-full">
                    <PayoutFlags flags={payout.flags} />
                  </div>
                )}
                {payout.reviewNotes && <p className="w-full text-xs text-slate-600">{t('context.reviewNotes', { notes: payout.reviewNotes })}</p>}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={t('context.refunds')}>
        {refunds.count === 0 ? (
          <p className="text-slate-600">{t('context.noRefunds')}</p>
        ) : (
          <>
            <p className="text-slate-700">
              {t('context.refundCount', { count: refunds.count })} <MoneyAmount amount={refunds.amount} currency={currency} className="font-medium" />
            </p>
            <ul className="mt-1 divide-y divide-slate-100" aria-label={t('context.recentRefunds')}>
              {refunds.recent.map((refund) => (
                <li key={refund.id} className="flex flex-wrap justify-between gap-2 py-1.5">
                  <span className="text-slate-700">{formatDate(refund.createdAt, i18n.language)}</span>
                  <span>
                    {t('context.creatorPart')} <MoneyAmount amount={refund.creatorPart} currency={refund.currency} className="font-medium" />
                  </span>
                  {refund.toDebt > 0 && (
                    <span className="w-full text-xs text-red-800">
                      {t('context.toDebt')} <MoneyAmount amount={refund.toDebt} currency={refund.currency} />
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>

      <Section title={t('context.disputes')}>
        {disputes.count === 0 ? (
          <p className="text-slate-600">{t('context.noDisputes')}</p>
        ) : (
          <>
            <p className="text-slate-700">{t('context.disputeCount', { count: disputes.count, open: disputes.open, lost: disputes.lost })}</p>
            <ul className="mt-1 divide-y divide-slate-100" aria-label={t('context.recentDisputes')}>
              {disputes.recent.map((dispute) => (
                <li key={dispute.id} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
                  <span className="text-slate-700">{formatDate(dispute.createdAt, i18n.language)}</span>
                  <MoneyAmount amount={dispute.creatorPart} currency={dispute.currency} className="font-medium" />
                  <Badge tone={dispute.status === 'lost' ? 'danger' : dispute.status === 'won' ? 'success' : 'warning'}>{t(`context.disputeStatus.${dispute.status}`)}</Badge>
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>
    </div>
  );
}
