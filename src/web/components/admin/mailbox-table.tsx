import { useTranslation } from 'react-i18next';
import type { MailboxMessage } from '../../api/admin-notifications';
import { formatDateTime } from '../../lib/dates';
import { Badge } from '../ui/badge';
import { Table, TableBody, TableCaption, TableCell, TableEmptyRow, TableHead, TableHeader, TableRow } from '../ui/table';

/** The kept emails, newest first: subject and recipient, topic, date; a subject opens the email beside the table (`aria-pressed` on the one shown). */
export function MailboxTable({ messages, selectedId, filtered, onSelect }: { messages: readonly MailboxMessage[]; selectedId: string | undefined; filtered: boolean; onSelect: (message: MailboxMessage) => void }) {
  const { t, i18n } = useTranslation('notifications');
  return (
    <Table>
      <TableCaption className="sr-only">{t('mailbox.caption')}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>{t('mailbox.columns.email')}</TableHead>
          {/* On a phone the topic gives way, so subject, recipient and date fit without scrolling. */}
          <TableHead className="hidden sm:table-cell">{t('mailbox.columns.topic')}</TableHead>
          <TableHead>{t('mailbox.columns.date')}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {messages.length === 0 && <TableEmptyRow columns={3}>{filtered ? t('mailbox.emptyFiltered') : t('mailbox.empty')}</TableEmptyRow>}
        {messages.map((message) => {
          const current = message.id === selectedId;
          return (
            <TableRow key={message.id} className={current ? 'bg-indigo-50 hover:bg-indigo-50' : undefined}>
              <TableCell>
                <button
                  type="button"
                  aria-pressed={current}
                  onClick={() => onSelect(message)}
                  className="text-left font-medium text-indigo-800 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 aria-pressed:text-slate-900"
                >
                  {message.subject}
                </button>
                {current && (
                  <Badge tone="info" className="ml-2">
                    {t('mailbox.shown')}
                  </Badge>
                )}
                <div className="mt-0.5 text-xs wrap-anywhere text-slate-700">
                  <span className="sr-only">{t('mailbox.columns.to')}: </span>
                  {message.to}
                </div>
              </TableCell>
              <TableCell className="hidden sm:table-cell">
                <code className="text-xs whitespace-nowrap text-slate-700">{message.topic ?? '—'}</code>
              </TableCell>
              <TableCell className="text-xs whitespace-nowrap text-slate-700">{formatDateTime(message.createdAt, i18n.language)}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
