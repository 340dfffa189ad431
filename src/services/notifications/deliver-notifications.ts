import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { creators, notifications, outboxMessages, users } from '../../db/schema/index.js';
import { isTopic, severityOf, topics, type NotificationLocale, type Topic } from '../../notifications/catalog.js';
import { renderMessage, type RenderedMessage } from '../../notifications/render.js';
import type { Clock } from '../../providers/clock/index.js';
import { EmailSendError, type EmailTransport } from '../../providers/email/index.js';
import { emailOptOuts } from './preferences.js';
import { serviceSecret } from './service-secret.js';
import { signUnsubscribeToken } from './unsubscribe-token.js';

export interface DeliverySettings {
  appUrl: string;
  /** Get every admin alert by email besides the admin users (ADMIN_ALERT_EMAILS). */
  adminAlertEmails: readonly string[];
}

export interface DeliveryOptions {
  /** Messages claimed per round trip (default 100). */
  batchSize?: number;
  /**
   * How long a claimed message stays away from other workers (default 120 s): longer than a batch
   * takes to send. A worker that dies holding it lets it come back after that, and it is re-sent
   * with the same Message-ID.
   */
  leaseSeconds?: number;
  /** Test hook: runs after the SMTP server accepted a batch and before it is marked sent. */
  afterAccepted?: () => Promise<void> | void;
}

export interface DeliveryReport {
  claimed: number;
  /** Messages to `admins` fanned out into one message per recipient. */
  expanded: number;
  sent: number;
  emailed: number;
  retrying: number;
  failed: number;
}

interface ClaimedMessage {
  id: bigint;
  topic: string;
  recipient: string;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  attempts: number;
  createdAt: Date;
  giveUpAt: Date | null;
}

interface Recipient {
  userId: string | null;
  email: string | null;
  name: string | null;
  role: 'ADMIN' | 'CREATOR' | 'CUSTOMER';
  locale: NotificationLocale;
}

const GIVE_UP_AFTER_MS = 24 * 3600_000;
const MAX_BACKOFF_MINUTES = 6 * 60;

/** 1, 2, 4 … minutes after the 1st, 2nd, 3rd … failed attempt, at most 6 h. */
export function notificationBackoffMs(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MINUTES) * 60_000;
}

/** The `Message-ID` of an outbox message's email: the same on every attempt. */
export function emailMessageId(outboxId: bigint, appUrl: string): string {
  return `<${outboxId}@${new URL(appUrl).hostname}>`;
}

/**
 * One round of outbox delivery (DESIGN.md §6, job `deliver-notifications`): claim due messages
 * with `FOR UPDATE SKIP LOCKED` (so workers share them), fan messages to `admins` out into one per
 * recipient, write the in-app notifications, send the emails, and mark what went out as sent.
 * A failed email is retried 1, 2, 4 … minutes later (at most 6 h apart) and given up 24 h after
 * it was queued; an SMTP 5xx refusal is given up at once. At-least-once: a worker that dies after
 * the SMTP server accepted a message and before marking it sent leaves it to be sent again, with
 * the same `Message-ID`.
 */
export async function deliverDueNotifications(
  db: Db,
  deps: { clock: Clock; transport: EmailTransport; settings: DeliverySettings },
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  const { clock, transport, settings } = deps;
  const report: DeliveryReport = { claimed: 0, expanded: 0, sent: 0, emailed: 0, retrying: 0, failed: 0 };
  const now = clock.now();
  const claimed = await claimDueMessages(db, now, options.batchSize ?? 100, options.leaseSeconds ?? 120);
  report.claimed = claimed.length;
  if (claimed.length === 0) return report;

  const toAdmins = claimed.filter((m) => m.recipient === 'admins');
  if (toAdmins.length > 0) report.expanded = await expandAdminMessages(db, toAdmins, settings, now);
  const direct = claimed.filter((m) => m.recipient !== 'admins');
  if (direct.length === 0) return report;

  const recipients = await loadRecipients(db, direct);
  const optOuts = await emailOptOuts(db, [...new Set([...recipients.values()].flatMap((r) => (r?.userId ? [r.userId] : [])))]);
  const unsubscribeKey = await serviceSecret(db, 'unsubscribe', clock);

  const outcomes = new Map<bigint, { ok: true; messageId: string | null } | { ok: false; error: string; permanent: boolean }>();
  const prepared: { message: ClaimedMessage; topic: Topic; recipient: Recipient; rendered: RenderedMessage; email: boolean; unsubscribeToken: string | null }[] = [];
  for (const message of direct) {
    const recipient = recipients.get(message.id);
    if (!recipient) {
      outcomes.set(message.id, { ok: false, error: `No such recipient: ${message.recipient}`, permanent: true });
      continue;
    }
    if (!isTopic(message.topic)) {
      outcomes.set(message.id, { ok: false, error: `No template for topic ${message.topic}`, permanent: true });
      continue;
    }
    const topic = message.topic;
    const spec = topics[topic];
    const critical = severityOf(topic, message.payload) === 'critical';
    const optedOut = recipient.userId !== null && (optOuts.get(recipient.userId)?.has(spec.category) ?? false);
    const email = recipient.email !== null && (critical || !optedOut);
    const unsubscribeToken =
      email && !critical && recipient.userId !== null ? signUnsubscribeToken(unsubscribeKey, { userId: recipient.userId, category: spec.category, outboxId: String(message.id) }) : null;
    try {
      const rendered = await renderMessage(topic, message.payload, {
        appUrl: settings.appUrl,
        locale: recipient.locale,
        recipient: { name: recipient.name, role: recipient.role },
        unsubscribeUrl: unsubscribeToken === null ? null : `${trimSlash(settings.appUrl)}/unsubscribe?token=${unsubscribeToken}`,
      });
      prepared.push({ message, topic, recipient, rendered, email, unsubscribeToken });
    } catch (error) {
      outcomes.set(message.id, { ok: false, error: `Rendering failed: ${error instanceof Error ? error.message : String(error)}`, permanent: true });
    }
  }

  // In-app first (always on, idempotent by outbox id): a failing email does not hold it back.
  const inApp = prepared.filter((p) => p.recipient.userId !== null);
  if (inApp.length > 0) {
    await db
      .insert(notifications)
      .values(
        inApp.map(({ message, topic, recipient, rendered }) => ({
          userId: recipient.userId!,
          outboxId: message.id,
          topic,
          category: topics[topic].category,
          critical: severityOf(topic, message.payload) === 'critical',
          title: rendered.title,
          body: rendered.body,
          link: rendered.link,
          payload: message.payload,
          createdAt: message.createdAt,
        })),
      )
      .onConflictDoNothing({ target: notifications.outboxId });
  }

  await Promise.all(
    prepared.map(async ({ message, topic, recipient, rendered, email, unsubscribeToken }) => {
      if (!email) {
        outcomes.set(message.id, { ok: true, messageId: null });
        return;
      }
      const messageId = emailMessageId(message.id, settings.appUrl);
      const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated', 'X-Payouts-Topic': topic };
      if (unsubscribeToken !== null) {
        headers['List-Unsubscribe'] = `<${trimSlash(settings.appUrl)}/api/notifications/unsubscribe?token=${unsubscribeToken}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        await transport.send({ to: recipient.email!, subject: rendered.subject, html: rendered.html, text: rendered.text, messageId, headers, outboxId: message.id, topic });
        outcomes.set(message.id, { ok: true, messageId });
      } catch (error) {
        const permanent = error instanceof EmailSendError && error.permanent;
        outcomes.set(message.id, { ok: false, error: error instanceof Error ? error.message : String(error), permanent });
      }
    }),
  );
  await options.afterAccepted?.();

  const sent = [...outcomes].filter((entry): entry is [bigint, { ok: true; messageId: string | null }] => entry[1].ok);
  if (sent.length > 0) {
    await db.execute(sql`
      update outbox_messages o set status = 'sent', sent_at = ${now}, last_error = null, email_message_id = s.message_id
      from jsonb_to_recordset(${JSON.stringify(sent.map(([id, o]) => ({ id: String(id), message_id: o.messageId })))}::jsonb) as s(id bigint, message_id text)
      where o.id = s.id and o.status = 'pending'`);
    report.sent = sent.length;
    report.emailed = sent.filter(([, o]) => o.messageId !== null).length;
  }
  for (const message of direct) {
    const outcome = outcomes.get(message.id);
    if (!outcome || outcome.ok) continue;
    const giveUpAt = message.giveUpAt ?? new Date(message.createdAt.getTime() + GIVE_UP_AFTER_MS);
    if (outcome.permanent || now >= giveUpAt) {
      await db
        .update(outboxMessages)
        .set({ status: 'failed', lastError: outcome.error })
        .where(and(eq(outboxMessages.id, message.id), eq(outboxMessages.status, 'pending')));
      report.failed += 1;
    } else {
      const next = new Date(Math.min(now.getTime() + notificationBackoffMs(message.attempts), giveUpAt.getTime()));
      await db
        .update(outboxMessages)
        .set({ nextAttemptAt: next, lastError: outcome.error })
        .where(and(eq(outboxMessages.id, message.id), eq(outboxMessages.status, 'pending')));
      report.retrying += 1;
    }
  }
  return report;
}

/** Due messages, locked against other workers for the lease (the attempt is counted now). */
async function claimDueMessages(db: Db, now: Date, limit: number, leaseSeconds: number): Promise<ClaimedMessage[]> {
  const lease = new Date(now.getTime() + leaseSeconds * 1000);
  const result = await db.execute<{
    id: bigint;
    topic: string;
    recipient: string;
    payload: Record<string, unknown>;
    dedupe_key: string | null;
    attempts: number;
    created_at: Date;
    give_up_at: Date | null;
  }>(sql`
    update outbox_messages o set attempts = o.attempts + 1, next_attempt_at = ${lease}
    from (
      select id from outbox_messages
      where status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    ) due
    where o.id = due.id
    returning o.id, o.topic, o.recipient, o.payload, o.dedupe_key, o.attempts, o.created_at, o.give_up_at`);
  return result.rows.map((r) => ({
    id: BigInt(r.id),
    topic: r.topic,
    recipient: r.recipient,
    payload: r.payload,
    dedupeKey: r.dedupe_key,
    attempts: Number(r.attempts),
    createdAt: new Date(r.created_at),
    giveUpAt: r.give_up_at === null ? null : new Date(r.give_up_at),
  }));
}

/**
 * A message to `admins` becomes one message per recipient — every active admin user (in-app and
 * email) and every ADMIN_ALERT_EMAILS address not already an admin's — in one transaction, so
 * each is delivered, retried and failed on its own.
 */
async function expandAdminMessages(db: Db, messages: readonly ClaimedMessage[], settings: DeliverySettings, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const admins = await tx.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.role, 'ADMIN'), isNull(users.disabledAt)));
    const adminEmails = new Set(admins.map((a) => a.email.toLowerCase()));
    const recipients = [...admins.map((a) => `user:${a.id}`), ...settings.adminAlertEmails.filter((e) => !adminEmails.has(e.toLowerCase())).map((e) => `email:${e}`)];
    const children = messages.flatMap((parent) =>
      recipients.map((recipient) => ({
        topic: parent.topic,
        recipient,
        payload: parent.payload,
        dedupeKey: `${parent.dedupeKey ?? `outbox:${parent.id}`}>${recipient}`,
        parentId: parent.id,
        createdAt: parent.createdAt,
        nextAttemptAt: now,
        giveUpAt: parent.giveUpAt,
      })),
    );
    if (children.length > 0) await tx.insert(outboxMessages).values(children).onConflictDoNothing({ target: outboxMessages.dedupeKey });
    await tx
      .update(outboxMessages)
      .set({ status: 'expanded', sentAt: now })
      .where(
        inArray(
          outboxMessages.id,
          messages.map((m) => m.id),
        ),
      );
    return messages.length;
  });
}

/** Who each message goes to, in which language: a user (their email, role and locale) or a bare address. */
async function loadRecipients(db: Db, messages: readonly ClaimedMessage[]): Promise<Map<bigint, Recipient | null>> {
  const userIds = [...new Set(messages.flatMap((m) => (m.recipient.startsWith('user:') ? [m.recipient.slice(5)] : [])))];
  const rows =
    userIds.length === 0
      ? []
      : await db
          .select({ id: users.id, email: users.email, name: users.name, role: users.role, locale: users.locale, disabledAt: users.disabledAt, creatorLocale: creators.locale })
          .from(users)
          .leftJoin(creators, eq(creators.userId, users.id))
          .where(inArray(users.id, userIds));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const result = new Map<bigint, Recipient | null>();
  for (const message of messages) {
    if (message.recipient.startsWith('user:')) {
      const user = byId.get(message.recipient.slice(5));
      result.set(
        message.id,
        user
          ? {
              userId: user.id,
              // A disabled user keeps their in-app notifications but gets no email.
              email: user.disabledAt === null ? user.email : null,
              name: user.name,
              role: user.role,
              locale: toLocale(user.role === 'CREATOR' ? user.creatorLocale : user.locale),
            }
          : null,
      );
    } else if (message.recipient.startsWith('email:')) {
      // An ADMIN_ALERT_EMAILS address, or a customer (seed 004's refund after a failed booking).
      const role = isTopic(message.topic) && topics[message.topic].audience === 'admins' ? 'ADMIN' : 'CUSTOMER';
      result.set(message.id, { userId: null, email: message.recipient.slice(6), name: null, role, locale: toLocale(message.payload.locale) });
    } else {
      result.set(message.id, null);
    }
  }
  return result;
}

function toLocale(value: unknown): NotificationLocale {
  return typeof value === 'string' && value.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
