import { useTranslation } from 'react-i18next';
import { useCreatorBalance } from '../../api/creator-balance';
import { BalanceCards } from '../../components/creator/balance-cards';
import { OnboardingStatus } from '../../components/creator/onboarding-status';
import { OpenRequests } from '../../components/creator/open-requests';
import { PaymentsSection } from '../../components/creator/payments-section';
import { PayoutHistory } from '../../components/creator/payout-history';
import { RequestPayoutForm } from '../../components/creator/request-payout-form';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';

/**
 * `/dashboard/creator/payouts` (seed 000 "Creator Dashboard"): balances, a payout request, the open
 * requests with why they are not paid yet, the ready / held / paid payments a page at a time, the
 * payout history, and where the Stripe account stands.
 */
export default function CreatorPayoutsPage() {
  const { t } = useTranslation();
  const balance = useCreatorBalance();
  return (
    <>
      <PageHeader title={t('creator:payouts.title')} description={t('creator:payouts.description')} />
      <QueryState query={balance}>
        {(data) => (
          <div className="space-y-8">
            <OnboardingStatus stripeConnected={data.stripeConnected} />
            <BalanceCards balance={data} fetchedAt={balance.dataUpdatedAt} />
            <div className="grid gap-6 lg:grid-cols-2">
              <RequestPayoutForm available={data.availableBalance} currency={data.currency} hasOpenRequest={data.pendingPayoutRequests.some((payout) => payout.origin === 'request')} />
              <OpenRequests requests={data.pendingPayoutRequests} />
            </div>
            <PaymentsSection list="ready" currency={data.currency} total={data.paymentCounts.ready} />
            <PaymentsSection list="held" currency={data.currency} total={data.paymentCounts.held} />
            <PaymentsSection list="paid" currency={data.currency} total={data.paymentCounts.paid} />
            <PayoutHistory />
          </div>
        )}
      </QueryState>
    </>
  );
}
