import nodemailer from 'nodemailer';
import type { Db } from '../../db/database.js';
import { mailboxMessages } from '../../db/schema/index.js';
import type { Clock } from '../clock/index.js';

/** One email, rendered, with the headers that make it recognisable (`Message-ID`) and unsubscribable. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** `<outbox id@APP_URL host>`: a re-send after a crash carries the same id (DESIGN.md §6). */
  messageId: string;
  headers: Record<string, string>;
  /** For the local mailbox's listing. */
  outboxId?: bigint;
  topic?: string;
}

/** Why a send failed: `permanent` (an SMTP 5xx refusal) is not retried. */
export class EmailSendError extends Error {
  readonly permanent: boolean;
  readonly responseCode: number | undefined;
  constructor(message: string, options: { permanent: boolean; responseCode?: number | undefined; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'EmailSendError';
    this.permanent = options.permanent;
    this.responseCode = options.responseCode;
  }
}

export interface EmailTransport {
  /** `smtp` or `mailbox`, for logs and the admin pages. */
  readonly kind: 'smtp' | 'mailbox';
  readonly from: string;
  /** Resolves once the message is accepted (by the SMTP server, or kept in the mailbox); throws EmailSendError. */
  send(email: OutgoingEmail): Promise<void>;
  close(): Promise<void>;
}

/**
 * SMTP through a nodemailer pool (a few long-lived connections, many messages each). Timeouts are
 * shorter than nodemailer's defaults so that a hung server cannot outlast a delivery lease.
 */
export function smtpTransport(url: string, from: string, options: { maxConnections?: number } = {}): EmailTransport {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    kind: 'smtp',
    from,
    async send(email) {
      try {
        await transporter.sendMail({ from, to: email.to, subject: email.subject, html: email.html, text: email.text, messageId: email.messageId, headers: email.headers });
      } catch (error) {
        const responseCode = (error as { responseCode?: unknown }).responseCode;
        const code = typeof responseCode === 'number' ? responseCode : undefined;
        const message = error instanceof Error ? error.message : String(error);
        throw new EmailSendError(message, { permanent: code !== undefined && code >= 500 && code < 600, responseCode: code, cause: error });
      }
    },
    async close() {
      transporter.close();
    },
  };
}

/**
 * Without SMTP_URL (the embedded demo): emails are kept in `mailbox_messages` for admins to read at
 * `GET /api/admin/mailbox`. A re-send of the same `Message-ID` is kept once.
 */
export function mailboxTransport(db: Db, clock: Clock, from: string): EmailTransport {
  return {
    kind: 'mailbox',
    from,
    async send(email) {
      await db
        .insert(mailboxMessages)
        .values({
          messageId: email.messageId,
          outboxId: email.outboxId ?? null,
          topic: email.topic ?? null,
          from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          headers: email.headers,
          createdAt: clock.now(),
        })
        .onConflictDoNothing({ target: mailboxMessages.messageId });
    },
    async close() {},
  };
}
