import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../lib/use-error-message';
import { Alert } from './ui/alert';
import { Button } from './ui/button';

/** Loading and error states of a query, the same on every page; `children` renders once the data is there. */
export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  if (query.isPending) return <p className="text-sm text-slate-600" role="status">{t('loading')}</p>;
  if (query.isError)
    return (
      <Alert tone="error" className="flex items-center justify-between gap-4">
        <span>{errorMessage(query.error)}</span>
        <Button size="sm" variant="outline" onClick={() => void query.refetch()}>
          {t('retry')}
        </Button>
      </Alert>
    );
  return <>{children(query.data)}</>;
}
