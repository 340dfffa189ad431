import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { useErrorMessage } from '../lib/use-error-message';
import { Alert } from './ui/alert';
import { Button } from './ui/button';

/**
 * Whether asking again may succeed: not when the service refused the request itself (a 4xx: a
 * period that ends before it starts, a payout that does not exist), except a timeout or a rate limit.
 */
function worthRetrying(error: unknown): boolean {
  return !(error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429);
}

/** Loading and error states of a query, the same on every page; `children` renders once the data is there. "Try again" only where it may help. */
export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  if (query.isPending) return <p className="text-sm text-slate-600" role="status">{t('loading')}</p>;
  if (query.isError)
    return (
      <Alert tone="error" className="flex items-center justify-between gap-4">
        <span>{errorMessage(query.error)}</span>
        {worthRetrying(query.error) && (
          <Button size="sm" variant="outline" onClick={() => void query.refetch()}>
            {t('retry')}
          </Button>
        )}
      </Alert>
    );
  return <>{children(query.data)}</>;
}
