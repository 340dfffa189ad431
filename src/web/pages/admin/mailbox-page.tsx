import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMailbox, type MailboxMessage } from '../../api/admin-notifications';
import { CursorPager } from '../../components/admin/cursor-pager';
import { FailedDeliveries } from '../../components/admin/failed-deliveries';
import { MailboxMessageView } from '../../components/admin/mailbox-message-view';
import { MailboxTable } from '../../components/admin/mailbox-table';
import { useCursorPage, withoutCursor } from '../../components/admin/use-cursor-page';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { Label } from '../../components/ui/label';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../components/ui/tabs';

const PAGE_SIZE = 25;
type View = 'emails' | 'failed';

/**
 * `/dashboard/admin/mailbox` (issue 13): the emails the service kept instead of sending them (no
 * SMTP_URL: the demo), filtered by recipient (`?to=`), the one shown in `?message=` (else the
 * newest); and, in the second tab (`?view=failed`), the deliveries that failed, to send again.
 */
export default function AdminMailboxPage() {
  const { t } = useTranslation('notifications');
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'failed' ? 'failed' : 'emails';

  const changeView = (next: string) => {
    // Each tab has its own pages: a cursor or a selection of one means nothing in the other.
    const changed = withoutCursor(params);
    changed.delete('message');
    if (next === 'failed') changed.set('view', 'failed');
    else changed.delete('view');
    setParams(changed);
  };

  return (
    <>
      <PageHeader title={t('mailbox.title')} description={t('mailbox.description')} />
      <Tabs value={view} onValueChange={changeView}>
        <TabsList aria-label={t('mailbox.tabs')}>
          <TabsTrigger value="emails">{t('mailbox.tabMailbox')}</TabsTrigger>
          <TabsTrigger value="failed">{t('mailbox.tabFailed')}</TabsTrigger>
        </TabsList>
        <TabsContent value="emails">
          <KeptEmails />
        </TabsContent>
        <TabsContent value="failed">
          <FailedDeliveries />
        </TabsContent>
      </Tabs>
    </>
  );
}

function KeptEmails() {
  const { t } = useTranslation('notifications');
  const id = useId();
  const [params, setParams] = useSearchParams();
  const to = params.get('to') ?? '';
  const [typed, setTyped] = useState(to);
  const page = useCursorPage();
  const mailbox = useMailbox({ limit: PAGE_SIZE, ...(to && { to }), ...(page.cursor && { cursor: page.cursor }) });
  const messages = mailbox.data?.data ?? [];
  const wanted = params.get('message');
  const current = messages.find((message) => message.id === wanted) ?? (wanted === null ? messages[0] : undefined);

  const filter = (event: FormEvent) => {
    event.preventDefault();
    const next = withoutCursor(params);
    next.delete('message');
    if (typed.trim()) next.set('to', typed.trim());
    else next.delete('to');
    setParams(next);
  };

  const select = (message: MailboxMessage) => {
    const next = new URLSearchParams(params);
    next.set('message', message.id);
    setParams(next, { replace: true });
  };

  return (
    <div className="space-y-4">
      <form role="search" aria-label={t('mailbox.filterLabel')} onSubmit={filter} className="flex flex-wrap items-end gap-2">
        <div className="min-w-60 flex-1 space-y-1 sm:max-w-sm">
          <Label htmlFor={`${id}-to`}>{t('mailbox.to')}</Label>
          <Input id={`${id}-to`} type="search" value={typed} onChange={(event) => setTyped(event.target.value)} placeholder={t('mailbox.toPlaceholder')} />
        </div>
        <Button type="submit" variant="outline">
          {t('mailbox.filter')}
        </Button>
      </form>
      {to && (
        <p className="text-sm text-slate-700" role="status">
          {t('mailbox.resultsFor', { to })}
        </p>
      )}
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <div className="min-w-0">
          <QueryState query={mailbox}>
            {(data) => (
              <Updating busy={mailbox.isPlaceholderData}>
                <MailboxTable messages={data.data} selectedId={current?.id} filtered={to !== ''} onSelect={select} />
                <CursorPager page={page} nextCursor={data.nextCursor} label={t('mailbox.pagination')} />
              </Updating>
            )}
          </QueryState>
        </div>
        {current ? (
          <MailboxMessageView message={current} />
        ) : (
          messages.length > 0 && <p className="text-sm text-slate-700">{wanted === null ? t('mailbox.selectHint') : t('mailbox.notOnPage')}</p>
        )}
      </div>
    </div>
  );
}
