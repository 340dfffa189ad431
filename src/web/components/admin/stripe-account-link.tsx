import { ExternalLink } from 'lucide-react';
import { useTranslation } from 'react-i18next';

/** Stripe's dashboard page of a connected account (the sandbox's accounts are not there; the id still is the one to look up). */
export function stripeDashboardUrl(accountId: string): string {
  return `https://dashboard.stripe.com/connect/accounts/${encodeURIComponent(accountId)}`;
}

/** Opens the creator's connected account in Stripe's dashboard, in a new tab; says so when there is none yet. */
export function StripeAccountLink({ accountId, url }: { accountId: string | null; url?: string | null | undefined }) {
  const { t } = useTranslation('admin');
  if (!accountId) return <span className="text-slate-500">{t('stripe.noAccount')}</span>;
  return (
    <a
      href={url ?? stripeDashboardUrl(accountId)}
      target="_blank"
      rel="noreferrer noopener"
      className="inline-flex items-center gap-1 rounded text-sm whitespace-nowrap text-indigo-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
    >
      {t('stripe.open')}
      <ExternalLink aria-hidden="true" className="size-3.5" />
      <span className="sr-only">{t('stripe.newTab', { accountId })}</span>
    </a>
  );
}
