import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AdminCreator } from '../../api/admin-creators';
import { formatDate } from '../../lib/dates';
import { MoneyAmount } from '../money-amount';
import { Badge } from '../ui/badge';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow, TableEmptyRow } from '../ui/table';
import { CopyableId } from './copy-button';
import { OnboardingStateBadge } from './onboarding-state-badge';
import { StripeAccountLink } from './stripe-account-link';

/** Creators with both their ids (copyable: tokens take the user id, payments the creator id), onboarding state and balances. */
export function CreatorsTable({ creators }: { creators: readonly AdminCreator[] }) {
  const { t, i18n } = useTranslation('admin');
  return (
    <Table>
      <TableCaption className="sr-only">{t('creators.caption')}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>{t('table.creator')}</TableHead>
          <TableHead>{t('creators.ids')}</TableHead>
          <TableHead>{t('creators.onboarding')}</TableHead>
          <TableHead className="text-right">{t('balances.available')}</TableHead>
          <TableHead className="text-right">{t('balances.held')}</TableHead>
          <TableHead className="text-right">{t('balances.paid')}</TableHead>
          <TableHead>{t('creators.createdAt')}</TableHead>
          <TableHead>
            <span className="sr-only">{t('table.actions')}</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {creators.length === 0 && (
          <TableEmptyRow columns={8}>{t('creators.empty')}</TableEmptyRow>
        )}
        {creators.map((creator) => (
          <TableRow key={creator.creatorId}>
            <TableCell>
              <div className="font-medium text-slate-900">{creator.name}</div>
              <div className="text-xs text-slate-600">{creator.email}</div>
              {creator.disabled && <Badge tone="danger">{t('context.disabled')}</Badge>}
            </TableCell>
            <TableCell>
              <dl className="space-y-1 text-xs">
                <div>
                  <dt className="text-slate-600">{t('creators.userId')}</dt>
                  <dd>
                    <CopyableId value={creator.userId} label={t('creators.userId')} />
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-600">{t('creators.creatorId')}</dt>
                  <dd>
                    <CopyableId value={creator.creatorId} label={t('creators.creatorId')} />
                  </dd>
                </div>
              </dl>
            </TableCell>
            <TableCell>
              <OnboardingStateBadge state={creator.onboarding.state} />
              {creator.onboarding.requirementsDue.length > 0 && (
                <p className="mt-1 text-xs text-slate-600">{t('creators.requirementsDue', { count: creator.onboarding.requirementsDue.length })}</p>
              )}
              <div className="mt-1">
                <StripeAccountLink accountId={creator.stripeAccountId} url={creator.stripeDashboardUrl} />
              </div>
            </TableCell>
            <TableCell className="text-right font-medium">
              <MoneyAmount amount={creator.balances.available} currency={creator.currency} />
            </TableCell>
            <TableCell className="text-right">
              <MoneyAmount amount={creator.balances.held} currency={creator.currency} />
            </TableCell>
            <TableCell className="text-right">
              <MoneyAmount amount={creator.balances.paid} currency={creator.currency} />
              {creator.balances.debt > 0 && (
                <div className="text-xs text-red-800">
                  {t('balances.debt')} <MoneyAmount amount={creator.balances.debt} currency={creator.currency} />
                </div>
              )}
            </TableCell>
            <TableCell className="whitespace-nowrap">{formatDate(creator.createdAt, i18n.language)}</TableCell>
            <TableCell>
              <Link
                to={`/dashboard/admin/payouts?creatorId=${encodeURIComponent(creator.creatorId)}`}
                className="rounded text-sm whitespace-nowrap text-indigo-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              >
                {t('creators.viewPayouts')}
                <span className="sr-only">{t('creators.ofCreator', { creator: creator.name })}</span>
              </Link>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
