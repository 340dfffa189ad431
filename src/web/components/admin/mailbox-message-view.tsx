import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailboxMessage } from '../../api/admin-notifications';
import { formatDateTime } from '../../lib/dates';

/** Headers shown on their own above; the rest are listed under "Other headers". */
const SHOWN_HEADERS = new Set(['message-id', 'from', 'to', 'subject', 'date']);

/**
 * One kept email as its recipient would get it: subject, From, To, Message-ID, the HTML version
 * rendered in a sandboxed frame (no scripts, no forms, an opaque origin: the email cannot touch
 * this page or its session) and the text version.
 */
export function MailboxMessageView({ message }: { message: MailboxMessage }) {
  const { t, i18n } = useTranslation('notifications');
  const headingId = useId();
  const otherHeaders = Object.entries(message.headers).filter(([name]) => !SHOWN_HEADERS.has(name.toLowerCase()));

  return (
    <section aria-labelledby={headingId} className="min-w-0 space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div>
        <p className="text-xs font-medium tracking-wide text-slate-600 uppercase">{t('mailbox.viewer')}</p>
        <h2 id={headingId} className="text-lg font-semibold break-words text-slate-900">
          {message.subject}
        </h2>
      </div>
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600">{t('mailbox.from')}</dt>
        <dd className="wrap-anywhere text-slate-900">{message.from}</dd>
        <dt className="text-slate-600">{t('mailbox.toLabel')}</dt>
        <dd className="wrap-anywhere text-slate-900">{message.to}</dd>
        <dt className="text-slate-600">{t('mailbox.messageId')}</dt>
        <dd className="wrap-anywhere">
          <code className="text-xs text-slate-900">{message.messageId}</code>
        </dd>
        <dt className="text-slate-600">{t('mailbox.date')}</dt>
        <dd className="text-slate-900">{formatDateTime(message.createdAt, i18n.language)}</dd>
        {message.topic !== null && (
          <>
            <dt className="text-slate-600">{t('mailbox.topic')}</dt>
            <dd>
              <code className="text-xs text-slate-900">{message.topic}</code>
            </dd>
          </>
        )}
      </dl>
      {otherHeaders.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium text-slate-800">{t('mailbox.headers')}</summary>
          <dl className="mt-2 grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1">
            {otherHeaders.map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="text-slate-600">{name}</dt>
                <dd className="text-xs wrap-anywhere text-slate-900">
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">{t('mailbox.html')}</h3>
        <iframe
          key={message.id}
          title={t('mailbox.htmlFrame', { subject: message.subject })}
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={message.html}
          className="h-[36rem] w-full rounded-md border border-slate-200 bg-white"
        />
      </div>
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">{t('mailbox.text')}</h3>
        <pre tabIndex={0} className="max-h-[32rem] overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap wrap-anywhere text-slate-900">{message.text}</pre>
      </div>
    </section>
  );
}
