import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/smtp.js';
import { creators, notifications, outboxMessages } from '../../db/schema/index.js';
import { topicNames, topics, type Topic } from '../../notifications/catalog.js';
import { renderMessage } from '../../notifications/render.js';
import { smtpTransport, type EmailTransport } from '../../providers/email/index.js';
import { createUser } from '../users/create-user.js';
import { recordPayment } from '../payments/record-payment.js';
import { formatMoney } from '../../domain/money/format-money.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import { deliverDueNotifications, emailMessageId, type DeliveryOptions } from './deliver-notifications.js';
import { startNotificationWorker } from './notification-worker.js';

/**
 * Outbox delivery against a real SMTP server (issue 13 §5): who gets what, in which language,
 * exactly once per worker; crashes, outages and refusals; rollbacks; unsubscribe links.
 */
const APP_URL = 'https://payouts.example.com';
const ALERT_ADDRESS = 'oncall@example.test';
let t: TestApp;
let smtp: TestSmtpServer;
let transport: EmailTransport;
const unique = () => Math.random().toString(36).slice(2, 10);
const settings = { appUrl: APP_URL, adminAlertEmails: [ALERT_ADDRESS] };

let admin: { id: string; email: string };
let frenchCreator: { userId: string; creatorId: string; email: string };
let englishCreator: { userId: string; creatorId: string; email: string };

beforeAll(async () => {
  t = await createTestApp({ env: { APP_URL, ADMIN_ALERT_EMAILS: ALERT_ADDRESS } });
  smtp = await startTestSmtpServer();
  transport = smtpTransport(smtp.url, 'Payouts <payouts@payouts.example.com>');
  const context = { config: t.config, clock: t.clock };
  const make = async (name: string, role: 'ADMIN' | 'CREATOR', locale?: string) => {
    const email = `${name}-${unique()}@example.test`;
    const { user, creator } = await t.database.db.transaction((tx) => createUser(tx, { email, name, role, ...(role === 'CREATOR' && { creator: {} }), actor: 'test' }, context));
    if (creator && locale) await t.database.db.update(creators).set({ locale }).where(eq(creators.id, creator.id));
    return { userId: user.id, creatorId: creator?.id ?? '', email };
  };
  const adminUser = await make('admin', 'ADMIN');
  admin = { id: adminUser.userId, email: adminUser.email };
  frenchCreator = await make('camille', 'CREATOR', 'fr');
  englishCreator = await make('ellis', 'CREATOR', 'en');
});
afterAll(async () => {
  await transport?.close();
  await smtp?.close();
  await t?.close();
});
afterEach(async () => {
  // Each test starts with nothing due: what a test left is given up.
  await t.database.db.update(outboxMessages).set({ status: 'failed' }).where(eq(outboxMessages.status, 'pending'));
  smtp.refuseNext(0, 0);
});

const deliver = (options: DeliveryOptions = {}, via = transport) => deliverDueNotifications(t.database.db, { clock: t.clock, transport: via, settings }, options);

async function deliverAll(options: DeliveryOptions = {}, via = transport) {
  const total = { claimed: 0, sent: 0, emailed: 0, failed: 0, retrying: 0 };
  for (;;) {
    const report = await deliver(options, via);
    if (report.claimed === 0) return total;
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += report[key];
  }
}

async function queue(topic: Topic, recipient: string, payload: Record<string, unknown>) {
  const dedupeKey = `${topic}:${unique()}`;
  await enqueueMessage(t.database.db, { topic, recipient, payload, dedupeKey, at: t.clock.now() });
  const [row] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, dedupeKey));
  return row!;
}

const samplePayload = (topic: string) => ({
  paymentId: 'pay_sample',
  payoutId: 'po_sample',
  creatorId: 'cr_sample',
  bookingId: 'bk_1',
  amount: '12600',
  creatorAmount: '11340',
  currency: 'eur',
  count: 1,
  paymentIds: ['pay_1'],
  payouts: [{ payoutId: 'po_1', creatorId: 'cr_1', amount: '5000', currency: 'eur', failedAttempts: 3, code: 'insufficient_funds', reason: 'Not enough money' }],
  reason: `reason for ${topic}`,
  notes: 'Checked by finance',
  payoutReleaseDate: '2026-12-13T10:00:00.000Z',
  nextRetryAt: '2026-12-06T11:00:00.000Z',
  attempt: 1,
  outcome: 'won',
});


describe(`notification delivery on ${testDatabaseKind}`, () => {
  it('every topic reaches the right people, in their language, once: creators by email and in-app, admins and ADMIN_ALERT_EMAILS, customers by email', async () => {
    const before = smtp.received.length;
    const customer = `customer-${unique()}@example.test`;
    const queued: { id: bigint; topic: Topic; to: string[] }[] = [];
    for (const topic of topicNames) {
      const { audience } = topics[topic];
      const creator = topic.length % 2 === 0 ? frenchCreator : englishCreator;
      const recipient = audience === 'creator' ? `user:${creator.userId}` : audience === 'admins' ? 'admins' : `email:${customer}`;
      const row = await queue(topic, recipient, samplePayload(topic));
      queued.push({ id: row.id, topic, to: audience === 'creator' ? [creator.email] : audience === 'admins' ? [admin.email, ALERT_ADDRESS] : [customer] });
    }
    const report = await deliverAll();
    expect(report.failed).toBe(0);

    const arrived = smtp.received.slice(before);
    const expectedCount = queued.reduce((n, q) => n + q.to.length, 0);
    expect(arrived).toHaveLength(expectedCount);
    expect(new Set(arrived.map((m) => m.messageId)).size).toBe(expectedCount);
    for (const q of queued) {
      const payload = samplePayload(q.topic);
      for (const address of q.to) {
        const mail = arrived.filter((m) => m.to.includes(address) && m.header('x-payouts-topic') === q.topic);
        expect(mail, `${q.topic} to ${address}`).toHaveLength(1);
        const locale = address === frenchCreator.email ? 'fr' : 'en';
        const role = topics[q.topic].audience === 'admins' ? 'ADMIN' : topics[q.topic].audience === 'customer' ? 'CUSTOMER' : 'CREATOR';
        const name = address === frenchCreator.email ? 'camille' : address === englishCreator.email ? 'ellis' : address === admin.email ? 'admin' : null;
        const expected = await renderMessage(q.topic, payload, { appUrl: APP_URL, locale, recipient: { name, role }, unsubscribeUrl: null });
        expect(mail[0]!.subject, `${q.topic} to ${address} in ${locale}`).toBe(expected.subject);
      }
    }
    // In-app: one per creator message, one per admin message for the admin user; none for bare addresses.
    const inApp = await t.database.db
      .select()
      .from(notifications)
      .where(inArray(notifications.userId, [admin.id, frenchCreator.userId, englishCreator.userId]));
    const creatorTopics = queued.filter((q) => topics[q.topic].audience === 'creator').length;
    const adminTopics = queued.filter((q) => topics[q.topic].audience === 'admins').length;
    expect(inApp.filter((n) => n.userId === admin.id)).toHaveLength(adminTopics);
    expect(inApp.filter((n) => n.userId !== admin.id)).toHaveLength(creatorTopics);
    const frenchOnes = inApp.filter((n) => n.userId === frenchCreator.userId);
    expect(frenchOnes.length).toBeGreaterThan(0);
    // Delivering again sends nothing more.
    expect((await deliverAll()).claimed).toBe(0);
    expect(smtp.received.length - before).toBe(expectedCount);
  });

  it('a real payment reaches its creator once, in French, with the amount as the French read it and a link to their payouts page', async () => {
    const before = smtp.received.length;
    await t.database.db.transaction((tx) =>
      recordPayment(tx, { creatorId: frenchCreator.creatorId, externalId: `pi_${unique()}`, amount: 12_600n, currency: 'eur', paidAt: t.clock.now(), actor: 'test' }, t),
    );
    await deliverAll();
    const arrived = smtp.received.slice(before);
    expect(arrived.map((m) => m.to)).toEqual([frenchCreator.email]);
    const share = formatMoney({ amountMinor: 11_340n, currency: 'eur' }, 'fr');
    expect(arrived[0]!.text).toContain(share);
    expect(arrived[0]!.html).toContain('lang="fr"');
    expect(arrived[0]!.html).toContain(`${APP_URL}/dashboard/creator/payouts`);
    const [inApp] = await t.database.db.select().from(notifications).where(and(eq(notifications.userId, frenchCreator.userId), eq(notifications.topic, 'payment.received')));
    expect(inApp!.body).toContain(share);
  });

  it('five workers at once: every message is sent exactly once', async () => {
    const before = smtp.received.length;
    const rows = [];
    for (let i = 0; i < 120; i += 1) rows.push(await queue('payment.received', `user:${englishCreator.userId}`, samplePayload('payment.received')));
    const transports = Array.from({ length: 5 }, () => smtpTransport(smtp.url, 'Payouts <payouts@payouts.example.com>', { maxConnections: 2 }));
    try {
      const reports = await Promise.all(transports.map((via) => deliverAll({ batchSize: 10 }, via)));
      expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(120);
      expect(reports.filter((r) => r.sent > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all(transports.map((via) => via.close()));
    }
    const ids = smtp.received.slice(before).map((m) => m.messageId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => emailMessageId(r.id, APP_URL))));
    const sent = await t.database.db.select().from(outboxMessages).where(inArray(outboxMessages.id, rows.map((r) => r.id)));
    expect(sent.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a crash between the SMTP accept and the commit re-sends the same Message-ID, and nothing else', async () => {
    const row = await queue('payout.paid', `user:${frenchCreator.userId}`, samplePayload('payout.paid'));
    const before = smtp.received.length;
    await expect(
      deliver({
        leaseSeconds: 60,
        afterAccepted: () => {
          throw new Error('killed after the SMTP server accepted');
        },
      }),
    ).rejects.toThrow('killed');
    expect(smtp.received.length - before).toBe(1);
    const [left] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, row.id));
    expect(left!.status).toBe('pending');
    // Within the lease nobody takes it; after it, the next worker sends it again.
    expect((await deliver()).claimed).toBe(0);
    t.clock.advance(61);
    expect((await deliver()).sent).toBe(1);
    const copies = smtp.received.slice(before);
    expect(copies.map((m) => m.messageId)).toEqual([emailMessageId(row.id, APP_URL), emailMessageId(row.id, APP_URL)]);
    expect(await t.database.db.select().from(notifications).where(eq(notifications.outboxId, row.id))).toHaveLength(1);
  });

  it('the SMTP server down for a while: retried 1, 2, 4 minutes later, then delivered', async () => {
    const row = await queue('payout.failed', `user:${englishCreator.userId}`, samplePayload('payout.failed'));
    await smtp.stop();
    try {
      const current = async () => (await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, row.id)))[0]!;
      // The service clock runs with wall time: "about N minutes from the attempt".
      const expectRetryIn = async (minutes: number, attemptedAt: number) => {
        const wait = (await current()).nextAttemptAt.getTime() - attemptedAt;
        expect(wait).toBeGreaterThanOrEqual(minutes * 60_000);
        expect(wait).toBeLessThan(minutes * 60_000 + 5_000);
      };
      let attemptedAt = t.clock.now().getTime();
      expect(await deliver()).toMatchObject({ claimed: 1, retrying: 1, sent: 0 });
      await expectRetryIn(1, attemptedAt);
      expect((await current()).lastError).toMatch(/ECONNREFUSED|connect/i);
      t.clock.advance(60);
      attemptedAt = t.clock.now().getTime();
      expect(await deliver()).toMatchObject({ claimed: 1, retrying: 1 });
      await expectRetryIn(2, attemptedAt);
      t.clock.advance(120);
      attemptedAt = t.clock.now().getTime();
      expect(await deliver()).toMatchObject({ claimed: 1, retrying: 1 });
      await expectRetryIn(4, attemptedAt);
    } finally {
      await smtp.start();
    }
    const before = smtp.received.length;
    t.clock.advance(240);
    expect(await deliver()).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.received.slice(before).map((m) => m.messageId)).toEqual([emailMessageId(row.id, APP_URL)]);
    const [done] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, row.id));
    expect(done).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
  });

  it('gives up 24 hours after the message was queued, and an admin can send it again', async () => {
    const row = await queue('payment.received', `user:${englishCreator.userId}`, samplePayload('payment.received'));
    smtp.refuseNext(1000, 451);
    let rounds = 0;
    for (; rounds < 40; rounds += 1) {
      const report = await deliver();
      if (report.failed === 1) break;
      const [current] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, row.id));
      t.clock.advance((current!.nextAttemptAt.getTime() - t.clock.now().getTime()) / 1000 + 0.001);
    }
    const [failed] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, row.id));
    expect(failed!.status).toBe('failed');
    expect(failed!.lastError).toContain('451');
    const age = t.clock.now().getTime() - failed!.createdAt.getTime();
    expect(age).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(age).toBeLessThan(24 * 3600_000 + 60_000);
    // 1, 2, 4 … 256 min then 6 h: 12 retries reach the 24 h mark.
    expect(failed!.attempts).toBeGreaterThanOrEqual(12);
    smtp.refuseNext(0, 0);
    const retried = await t.app.inject({ method: 'POST', url: `/api/admin/notifications/${row.id}/retry`, headers: { authorization: `Bearer ${await adminKey()}` } });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'pending' });
    const before = smtp.received.length;
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(smtp.received.length - before).toBe(1);
  });

  it('an SMTP 5xx refusal fails at once, is listed for admins and can be sent again', async () => {
    const row = await queue('payout.approved', `user:${frenchCreator.userId}`, samplePayload('payout.approved'));
    smtp.refuseNext(1, 550, 'No such mailbox');
    expect(await deliver()).toMatchObject({ claimed: 1, failed: 1 });
    const key = await adminKey();
    const list = await t.app.inject({ method: 'GET', url: '/api/admin/notifications/failed?limit=100', headers: { authorization: `Bearer ${key}` } });
    expect(list.statusCode).toBe(200);
    const listed = list.json().data.find((m: { id: string }) => m.id === String(row.id));
    expect(listed).toMatchObject({ status: 'failed', topic: 'payout.approved', recipient: `user:${frenchCreator.userId}`, lastError: expect.stringContaining('550') });

    // Two admins clicking retry at once: one wins, the other is told it is no longer failed.
    const [a, b] = await Promise.all([0, 1].map(() => t.app.inject({ method: 'POST', url: `/api/admin/notifications/${row.id}/retry`, headers: { authorization: `Bearer ${key}` } })));
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([200, 409]);
    expect([a!, b!].find((r) => r.statusCode === 409)!.json().error.code).toBe('NOTIFICATION_NOT_FAILED');
    const before = smtp.received.length;
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(smtp.received.slice(before)[0]!.messageId).toBe(emailMessageId(row.id, APP_URL));

    const missing = await t.app.inject({ method: 'POST', url: '/api/admin/notifications/999999999/retry', headers: { authorization: `Bearer ${key}` } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOTIFICATION_NOT_FOUND');
    const asCreator = await t.app.inject({ method: 'GET', url: '/api/admin/notifications/failed', headers: { authorization: await creatorToken(frenchCreator.userId) } });
    expect(asCreator.statusCode).toBe(403);
  });

  it('the worker delivers right after the commit that queued a message, without waiting for its sweep', async () => {
    const worker = startNotificationWorker({ db: t.database.db, clock: t.clock, transport: smtpTransport(smtp.url, 'Payouts <p@payouts.example.com>'), settings, sweepMs: 3_600_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // its first sweep is over
      const before = smtp.received.length;
      const dedupeKey = `wake:${unique()}`;
      await t.database.db.transaction(async (tx) => {
        await enqueueMessage(tx, { topic: 'payout.paid', recipient: `user:${englishCreator.userId}`, payload: samplePayload('payout.paid'), dedupeKey, at: t.clock.now() });
        // Still uncommitted: the worker's first look finds nothing, a later one finds it.
        await new Promise((resolve) => setTimeout(resolve, 50));
      });
      await smtp.waitForCount(before + 1, 5_000);
      const [row] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, dedupeKey));
      expect(smtp.received.at(-1)!.messageId).toBe(emailMessageId(row!.id, APP_URL));
    } finally {
      await worker.stop();
    }
  });

  it('a rolled-back change sends nothing', async () => {
    const dedupeKey = `rolled-back:${unique()}`;
    await expect(
      t.database.db.transaction(async (tx) => {
        await enqueueMessage(tx, { topic: 'payout.paid', recipient: `user:${englishCreator.userId}`, payload: samplePayload('payout.paid'), dedupeKey, at: t.clock.now() });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const before = smtp.received.length;
    expect((await deliver()).claimed).toBe(0);
    expect(smtp.received.length).toBe(before);
    expect(await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, dedupeKey))).toEqual([]);
  });

  it('a creator reads only their own notifications; read and read-all; the unread count is in /api/auth/me', async () => {
    const mine = await queue('payment.received', `user:${frenchCreator.userId}`, samplePayload('payment.received'));
    const theirs = await queue('payment.received', `user:${englishCreator.userId}`, samplePayload('payment.received'));
    await deliverAll();
    const me = await creatorToken(frenchCreator.userId);
    const other = await creatorToken(englishCreator.userId);
    const list = await t.app.inject({ method: 'GET', url: '/api/notifications?limit=100', headers: { authorization: me } });
    expect(list.statusCode).toBe(200);
    const ids = list.json().data.map((n: { id: string }) => n.id);
    const [myNotification] = await t.database.db.select().from(notifications).where(eq(notifications.outboxId, mine.id));
    const [theirNotification] = await t.database.db.select().from(notifications).where(eq(notifications.outboxId, theirs.id));
    expect(ids).toContain(String(myNotification!.id));
    expect(ids).not.toContain(String(theirNotification!.id));
    expect(list.json().data.every((n: { title: string }) => n.title.length > 0)).toBe(true);

    const stolen = await t.app.inject({ method: 'POST', url: `/api/notifications/${theirNotification!.id}/read`, headers: { authorization: me } });
    expect(stolen.statusCode).toBe(404);
    expect((await t.database.db.select().from(notifications).where(eq(notifications.id, theirNotification!.id)))[0]!.readAt).toBeNull();

    const unreadBefore = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: me } })).json().unreadNotifications;
    expect(unreadBefore).toBeGreaterThan(0);
    const read = await t.app.inject({ method: 'POST', url: `/api/notifications/${myNotification!.id}/read`, headers: { authorization: me } });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: me } })).json().unreadNotifications).toBe(unreadBefore - 1);
    const all = await t.app.inject({ method: 'POST', url: '/api/notifications/read-all', headers: { authorization: me } });
    expect(all.json().updated).toBe(unreadBefore - 1);
    expect((await t.app.inject({ method: 'GET', url: '/api/notifications?unread=true', headers: { authorization: me } })).json().data).toEqual([]);
    // The other creator's stay unread.
    expect((await t.app.inject({ method: 'GET', url: '/api/notifications?unread=true', headers: { authorization: other } })).json().data.length).toBeGreaterThan(0);
    const bad = await t.app.inject({ method: 'GET', url: '/api/notifications?cursor=forged', headers: { authorization: me } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
  });

  it('the unsubscribe link turns that category off, works once, and a forged one is refused; critical emails still come', async () => {
    const before = smtp.received.length;
    await queue('payout.paid', `user:${englishCreator.userId}`, samplePayload('payout.paid'));
    await deliverAll();
    const [mail] = smtp.received.slice(before);
    const header = mail!.header('list-unsubscribe')!.replace(/\s+/g, '');
    expect(mail!.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const url = new URL(header.slice(1, -1));
    expect(url.origin + url.pathname).toBe(`${APP_URL}/api/notifications/unsubscribe`);
    const token = url.searchParams.get('token')!;
    expect(mail!.html).toContain(`${APP_URL}/unsubscribe?token=${token}`);

    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    const refused = await t.app.inject({ method: 'POST', url: `/api/notifications/unsubscribe?token=${forged}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('UNSUBSCRIBE_LINK_INVALID');

    const once = await t.app.inject({ method: 'POST', url: `/api/notifications/unsubscribe?token=${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(once.statusCode).toBe(200);
    expect(once.json()).toEqual({ category: 'payouts', email: false });
    const twice = await t.app.inject({ method: 'POST', url: `/api/notifications/unsubscribe?token=${token}` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('UNSUBSCRIBE_LINK_USED');

    const prefs = await t.app.inject({ method: 'GET', url: '/api/notifications/preferences', headers: { authorization: await creatorToken(englishCreator.userId) } });
    expect(prefs.json().data).toContainEqual({ category: 'payouts', email: false, inApp: true });
    expect(prefs.json().data).toContainEqual({ category: 'payments', email: true, inApp: true });

    // Payout emails stop (in-app stays); critical ones still come, without an unsubscribe link.
    const after = smtp.received.length;
    const quiet = await queue('payout.paid', `user:${englishCreator.userId}`, samplePayload('payout.paid'));
    const critical = await queue('creator.payouts_disabled', `user:${englishCreator.userId}`, samplePayload('creator.payouts_disabled'));
    await deliverAll();
    const arrived = smtp.received.slice(after);
    expect(arrived.map((m) => m.header('x-payouts-topic'))).toEqual(['creator.payouts_disabled']);
    expect(arrived[0]!.header('list-unsubscribe')).toBeUndefined();
    expect(await t.database.db.select().from(notifications).where(inArray(notifications.outboxId, [quiet.id, critical.id]))).toHaveLength(2);
    expect((await t.database.db.select().from(outboxMessages).where(and(eq(outboxMessages.id, quiet.id), eq(outboxMessages.status, 'sent')))).length).toBe(1);

    // Turning it back on through the preferences API.
    const auth = await creatorToken(englishCreator.userId);
    const put = await t.app.inject({ method: 'PUT', url: '/api/notifications/preferences', headers: { authorization: auth }, payload: { preferences: [{ category: 'payouts', email: true }] } });
    expect(put.statusCode).toBe(200);
    expect(put.json().data).toContainEqual({ category: 'payouts', email: true, inApp: true });
    const invalid = await t.app.inject({ method: 'PUT', url: '/api/notifications/preferences', headers: { authorization: auth }, payload: { preferences: [{ category: 'marketing', email: true }] } });
    expect(invalid.statusCode).toBe(400);
  });

  it('without SMTP_URL the emails are kept in the mailbox admins read, newest first, once per Message-ID', async () => {
    const { mailboxTransport } = await import('../../providers/email/index.js');
    const mailbox = mailboxTransport(t.database.db, t.clock, 'Payouts <payouts@payouts.example.com>');
    const first = await queue('payout.rejected', `user:${frenchCreator.userId}`, { ...samplePayload('payout.rejected'), reason: 'Pièces justificatives manquantes' });
    await deliverAll({}, mailbox);
    const second = await queue('payment.received', `user:${frenchCreator.userId}`, samplePayload('payment.received'));
    await deliverAll({}, mailbox);
    // A re-send after a crash keeps one copy.
    await t.database.db.update(outboxMessages).set({ status: 'pending', nextAttemptAt: t.clock.now() }).where(eq(outboxMessages.id, first.id));
    await deliverAll({}, mailbox);
    const key = await adminKey();
    const reply = await t.app.inject({ method: 'GET', url: `/api/admin/mailbox?to=${encodeURIComponent(frenchCreator.email)}`, headers: { authorization: `Bearer ${key}` } });
    expect(reply.statusCode).toBe(200);
    const kept = reply.json().data;
    expect(kept.map((m: { messageId: string }) => m.messageId)).toEqual([emailMessageId(second.id, APP_URL), emailMessageId(first.id, APP_URL)]);
    expect(kept[1].html).toContain('Pièces justificatives manquantes');
    expect(kept[1].text).toContain('Pièces justificatives manquantes');
    expect(kept[1].headers['List-Unsubscribe']).toMatch(/^<https:\/\/payouts\.example\.com\/api\/notifications\/unsubscribe\?token=/);
    const asCreator = await t.app.inject({ method: 'GET', url: '/api/admin/mailbox', headers: { authorization: await creatorToken(frenchCreator.userId) } });
    expect(asCreator.statusCode).toBe(403);
  });
});

let cachedAdminKey: string | undefined;
async function adminKey(): Promise<string> {
  if (cachedAdminKey) return cachedAdminKey;
  const { createApiKey } = await import('../api-keys/create-api-key.js');
  const key = await t.database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'notifications test', actor: 'test' }, { clock: t.clock }));
  return (cachedAdminKey = key.key);
}

let cachedPlatformKey: string | undefined;
async function creatorToken(userId: string): Promise<string> {
  if (!cachedPlatformKey) {
    const { createApiKey } = await import('../api-keys/create-api-key.js');
    cachedPlatformKey = (await t.database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'notifications test platform', actor: 'test' }, { clock: t.clock }))).key;
  }
  const reply = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { authorization: `Bearer ${cachedPlatformKey}` }, payload: { userId } });
  return `Bearer ${reply.json().token}`;
}

