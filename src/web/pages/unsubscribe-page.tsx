import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useUnsubscribe } from '../api/notification-preferences';
import { LocaleSwitcher } from '../components/locale-switcher';
import { EMAIL_PREFERENCES_ID } from '../components/notifications/email-preferences-form';
import { categoryOfUnsubscribeToken } from '../components/notifications/notification-categories';
import { Alert } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { useErrorMessage } from '../lib/use-error-message';

/** Where "manage your preferences" leads: the login page, then the preferences section. */
const MANAGE_PREFERENCES_URL = `/login?next=${encodeURIComponent(`/dashboard/notifications#${EMAIL_PREFERENCES_ID}`)}`;

/**
 * `/unsubscribe?token=…`, the page an email's footer links to (no sign-in): it says which emails
 * will stop, and one button makes the call (`POST /api/notifications/unsubscribe?token=`). Nothing
 * happens on load, so a mail scanner that follows the link does not unsubscribe anyone. The
 * category shown is read from the token; the service checks the signature and answers whether the
 * link is valid and unused.
 */
export default function UnsubscribePage() {
  const { t } = useTranslation('notifications');
  const errorMessage = useErrorMessage();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const category = token ? categoryOfUnsubscribeToken(token) : undefined;
  const unsubscribe = useUnsubscribe();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const code = unsubscribe.error instanceof ApiError ? unsubscribe.error.code : undefined;
  const outcome = !token
    ? 'missing'
    : unsubscribe.isSuccess
      ? 'done'
      : code === 'UNSUBSCRIBE_LINK_INVALID'
        ? 'invalid'
        : code === 'UNSUBSCRIBE_LINK_USED'
          ? 'used'
          : 'ask';
  // The service's reply names the category for sure; before it, the token's own claim.
  const shown = unsubscribe.data?.category ?? category;
  const categoryName = shown ? t(`categories.${shown}`) : undefined;

  // The answer replaces the question: the focus goes to its heading, so it is read out.
  useEffect(() => {
    if (outcome !== 'ask' && outcome !== 'missing') headingRef.current?.focus();
  }, [outcome]);

  const title = {
    ask: categoryName ? t('unsubscribe.title', { category: categoryName }) : t('unsubscribe.titleUnknown'),
    done: t('unsubscribe.doneTitle'),
    invalid: t('unsubscribe.invalidTitle'),
    missing: t('unsubscribe.invalidTitle'),
    used: t('unsubscribe.usedTitle'),
  }[outcome];

  return (
    <main id="main" className="mx-auto max-w-lg px-4 py-12">
      <div className="mb-6 flex items-center justify-between gap-4">
        <span className="text-lg font-semibold text-indigo-800">{t('common:appName')}</span>
        <LocaleSwitcher />
      </div>
      <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 ref={headingRef} tabIndex={-1} className="text-xl font-semibold text-slate-900 focus:outline-none">
          {title}
        </h1>
        {outcome === 'ask' && (
          <>
            <p className="text-sm text-slate-800">{categoryName ? t('unsubscribe.explain', { category: categoryName }) : t('unsubscribe.explainUnknown')}</p>
            {unsubscribe.isError && <Alert tone="error">{errorMessage(unsubscribe.error)}</Alert>}
            <Button aria-disabled={unsubscribe.isPending} onClick={() => !unsubscribe.isPending && unsubscribe.mutate(token)}>
              {unsubscribe.isPending ? t('unsubscribe.confirming') : t('unsubscribe.confirm')}
            </Button>
          </>
        )}
        {outcome === 'done' && <Alert tone="success">{categoryName ? t('unsubscribe.done', { category: categoryName }) : t('unsubscribe.doneUnknown')}</Alert>}
        {outcome === 'invalid' && <Alert tone="error">{t('unsubscribe.invalid')}</Alert>}
        {outcome === 'missing' && <Alert tone="error">{t('unsubscribe.missing')}</Alert>}
        {outcome === 'used' && <Alert tone="warning">{t('unsubscribe.used')}</Alert>}
        {outcome !== 'ask' && (
          <p>
            <Link to={MANAGE_PREFERENCES_URL} className="text-sm font-medium text-indigo-700 underline underline-offset-4">
              {t('unsubscribe.manage')}
            </Link>
          </p>
        )}
      </div>
    </main>
  );
}
