import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFailedNotifications, useRetryNotification, type FailedNotification } from '../../api/admin-notifications';
import { formatDateTime } from '../../lib/dates';
import { useErrorMessage } from '../../lib/use-error-message';
import { QueryState } from '../query-state';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Table, TableBody, TableCaption, TableCell, TableEmptyRow, TableHead, TableHeader, TableRow } from '../ui/table';
import { CursorPager } from './cursor-pager';
import { useCursorPage } from './use-cursor-page';
import { Updating } from './updating';

const PAGE_SIZE = 25;

/**
 * The messages delivery gave up on (`GET /api/admin/notifications/failed`), each with why, and
 * "Send again" (`POST /api/admin/notifications/:id/retry`): back in the queue, delivered within
 * seconds, and gone from this list.
 */
export function FailedDeliveries() {
  const { t, i18n } = useTranslation('notifications');
  const errorMessage = useErrorMessage();
  const page = useCursorPage();
  const failed = useFailedNotifications({ limit: PAGE_SIZE, ...(page.cursor && { cursor: page.cursor }) });
  const retry = useRetryNotification();
  const [retried, setRetried] = useState<FailedNotification | undefined>();

  const sendAgain = (message: FailedNotification) => {
    if (retry.isPending) return;
    setRetried(undefined);
    retry.mutate(message.id, { onSuccess: () => setRetried(message) });
  };

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">{t('failed.description')}</p>
      {retried && <Alert tone="success">{t('failed.retried', { topic: retried.topic, recipient: retried.recipient })}</Alert>}
      {retry.isError && <Alert tone="error">{errorMessage(retry.error)}</Alert>}
      <QueryState query={failed}>
        {(data) => (
          <Updating busy={failed.isPlaceholderData}>
            <Table>
              <TableCaption className="sr-only">{t('failed.caption')}</TableCaption>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('failed.columns.topic')}</TableHead>
                  <TableHead>{t('failed.columns.recipient')}</TableHead>
                  <TableHead className="text-right">{t('failed.columns.attempts')}</TableHead>
                  <TableHead>{t('failed.columns.lastError')}</TableHead>
                  <TableHead>{t('failed.columns.queuedAt')}</TableHead>
                  <TableHead>
                    <span className="sr-only">{t('failed.columns.actions')}</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.data.length === 0 && <TableEmptyRow columns={6}>{t('failed.empty')}</TableEmptyRow>}
                {data.data.map((message) => (
                  <TableRow key={message.id}>
                    <TableCell>
                      <code className="text-xs whitespace-nowrap text-slate-900">{message.topic}</code>
                    </TableCell>
                    <TableCell className="text-sm wrap-anywhere text-slate-800">{message.recipient}</TableCell>
                    <TableCell className="tabular text-right">{message.attempts}</TableCell>
                    <TableCell className="max-w-80 text-sm break-words text-slate-800">{message.lastError ?? '—'}</TableCell>
                    <TableCell className="text-xs whitespace-nowrap text-slate-700">{formatDateTime(message.createdAt, i18n.language)}</TableCell>
                    <TableCell className="text-right">
                      <Button size="sm" variant="outline" aria-disabled={retry.isPending} onClick={() => sendAgain(message)}>
                        {retry.isPending && retry.variables === message.id ? t('failed.retrying') : t('failed.retry')}
                        <span className="sr-only">{t('failed.retryWhat', { topic: message.topic, recipient: message.recipient })}</span>
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <CursorPager page={page} nextCursor={data.nextCursor} label={t('failed.pagination')} />
          </Updating>
        )}
      </QueryState>
    </div>
  );
}
