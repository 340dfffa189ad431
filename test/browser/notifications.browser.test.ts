import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../src/demo/seed-demo-data.js';
import { startTestSmtpServer, type TestSmtpServer } from '../smtp.js';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

/**
 * The notification pages of issue 13 in Chromium against the real service, whose delivery worker
 * turns the demo's queued messages into in-app notifications and kept emails (no SMTP_URL) within
 * seconds: the notifications page and its unread count, email preferences, the admin mailbox, the
 * unsubscribe page with a real link, French, axe. Then, on a service whose SMTP server refuses
 * everything, the failed deliveries and "Send again".
 *
 * The tests of each block share one service and run in order.
 */

const ANA = 'ana@demo.payouts.test';
const BEN = 'ben@demo.payouts.test';
const CHLOE = 'chloe@demo.payouts.test';

interface ApiNotification {
  id: string;
  title: string;
  link: string | null;
  readAt: string | null;
}

interface MailboxEmail {
  id: string;
  messageId: string;
  topic: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

interface FailedMessage {
  id: string;
  topic: string;
  recipient: string;
}

/** A port nobody listens on now: the service is started on it so that APP_URL (the links in notifications) is its real address. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `expect.poll` with room for a busy machine and a delivery worker that sweeps every 10 s. */
function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 30_000, interval: 250 });
}

async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
  const reply = await request.get(url);
  expect(reply.status(), `${url}: ${await reply.text()}`).toBe(200);
  return (await reply.json()) as T;
}

const notificationsOf = async (request: APIRequestContext, query = 'limit=100') => (await getJson<{ data: ApiNotification[] }>(request, `/api/notifications?${query}`)).data;
const unreadCountOf = async (request: APIRequestContext) => (await getJson<{ unreadNotifications: number }>(request, '/api/auth/me')).unreadNotifications;
const mailboxOf = async (request: APIRequestContext, to: string) => (await getJson<{ data: MailboxEmail[] }>(request, `/api/admin/mailbox?limit=100&to=${encodeURIComponent(to)}`)).data;
const emailPreferenceOf = async (request: APIRequestContext, category: string) =>
  (await getJson<{ data: { category: string; email: boolean }[] }>(request, '/api/notifications/preferences')).data.find((preference) => preference.category === category)?.email;

/**
 * The user's notifications once the worker has delivered the demo's messages: at least one, and the
 * same list twice a second apart (nothing still on its way).
 */
async function settledNotifications(request: APIRequestContext): Promise<ApiNotification[]> {
  let previous = '';
  let current: ApiNotification[] = [];
  await eventually(async () => {
    current = await notificationsOf(request);
    const ids = current.map((notification) => notification.id).join(',');
    const settled = current.length > 0 && ids === previous;
    previous = ids;
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 1_000));
    return settled;
  }).toBe(true);
  return current;
}

/** The header's way to the notifications page, found by the name that carries the count. */
const notificationsLink = (page: Page, name: string) => page.getByRole('banner').getByRole('link', { name, exact: true });

describe.skipIf(!hasChromium)('notifications (issue 13) in Chromium', () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    const port = await freePort();
    harness = await startBrowserHarness({ env: { PORT: String(port), APP_URL: `http://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('a creator sees their notifications newest first, marks one read (the count drops), opens one in the app, marks all read', async () => {
    const page = await harness.newPage();
    await harness.login(page, ANA);
    const delivered = await settledNotifications(page.request);
    const unread = delivered.filter((notification) => notification.readAt === null).length;
    expect(unread).toBeGreaterThanOrEqual(3);
    expect(await unreadCountOf(page.request)).toBe(unread);

    await page.reload();
    await notificationsLink(page, `Notifications, ${unread} unread`).click();
    await page.waitForURL('**/dashboard/notifications');
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const list = page.getByRole('list', { name: 'Your notifications' });
    const items = list.getByRole('listitem');
    await eventually(() => items.count()).toBe(delivered.length);
    // Newest first, as the API lists them, each unread one saying so in words.
    expect(await items.getByRole('heading', { level: 3 }).allTextContents()).toEqual(delivered.map((notification) => notification.title));
    expect(await list.getByText('Unread', { exact: true }).count()).toBe(unread);
    await page.getByText(`${unread} unread notifications.`).waitFor();
    await harness.checkA11y(page);

    // Mark the newest read: its badge goes, the header's count drops by one.
    const [newest, second] = delivered;
    const newestItem = items.filter({ has: page.getByRole('heading', { name: newest!.title, exact: true }) }).first();
    await newestItem.getByRole('button', { name: 'Mark as read' }).click();
    await notificationsLink(page, `Notifications, ${unread - 1} unread`).waitFor();
    await eventually(() => newestItem.getByText('Unread', { exact: true }).count()).toBe(0);
    expect((await notificationsOf(page.request)).find((notification) => notification.id === newest!.id)?.readAt).not.toBeNull();
    expect(await unreadCountOf(page.request)).toBe(unread - 1);

    // "Unread only" lives in the URL and hides what was read.
    await page.getByLabel('Unread only').check();
    await page.waitForURL(/unread=true/);
    await eventually(() => items.count()).toBe(unread - 1);

    // "Open" goes to the notification's page inside the app (its link is on this origin), and marks it read.
    expect(second!.link).toMatch(new RegExp(`^${harness.url}/dashboard/`));
    await page.evaluate(() => ((globalThis as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));
    const secondItem = items.filter({ has: page.getByRole('heading', { name: second!.title, exact: true }) }).first();
    expect(await secondItem.getByRole('link', { name: 'Open' }).getAttribute('href')).toBe(new URL(second!.link!).pathname);
    await secondItem.getByRole('link', { name: 'Open' }).click();
    await page.waitForURL(second!.link!);
    expect(await page.evaluate(() => (globalThis as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    await notificationsLink(page, `Notifications, ${unread - 2} unread`).waitFor();

    // Back on the list, mark all as read: the page says how many, the count is gone.
    await page.goBack();
    await page.waitForURL(/\/dashboard\/notifications\?unread=true/);
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await page.getByText(`${unread - 2} notifications marked as read.`).waitFor();
    await notificationsLink(page, 'Notifications').waitFor();
    await page.getByText('No unread notifications.', { exact: true }).first().waitFor();
    expect(await unreadCountOf(page.request)).toBe(0);
    expect((await notificationsOf(page.request, 'unread=true')).length).toBe(0);
    await page.getByLabel('Unread only').uncheck();
    await page.waitForURL((url) => !url.search.includes('unread=true'));
    await eventually(() => items.count()).toBe(delivered.length);
    await eventually(() => list.getByText('Unread', { exact: true }).count()).toBe(0);
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('a creator turns payouts emails off: saved, and still off after a reload', async () => {
    const page = await harness.newPage();
    await harness.login(page, ANA, { via: 'api' });
    await page.goto('/dashboard/notifications');
    const preferences = page.getByRole('region', { name: 'Email preferences' });
    const payouts = preferences.getByRole('switch', { name: 'Emails about payouts' });
    await payouts.waitFor();
    expect(await payouts.isChecked()).toBe(true);
    expect(await preferences.getByRole('switch', { name: 'Emails about earnings' }).isChecked()).toBe(true);
    // A creator gets no admin alerts: no switch for them.
    expect(await preferences.getByRole('switch').count()).toBe(3);
    await preferences.getByText('Critical alerts', { exact: false }).waitFor();

    await payouts.click();
    expect(await payouts.isChecked()).toBe(false);
    await preferences.getByRole('button', { name: 'Save email preferences' }).click();
    await preferences.getByText('Email preferences saved.').waitFor();
    expect(await emailPreferenceOf(page.request, 'payouts')).toBe(false);
    expect(await emailPreferenceOf(page.request, 'payments')).toBe(true);
    await harness.checkA11y(page);

    await page.reload();
    await payouts.waitFor();
    expect(await payouts.isChecked()).toBe(false);
    expect(await preferences.getByRole('switch', { name: 'Emails about earnings' }).isChecked()).toBe(true);
    expect(harness.problems(page)).toEqual([]);
  });

  it('speaks French: the notifications page and the header count of Chloé', async () => {
    const page = await harness.newPage({ locale: 'fr-FR' });
    await harness.login(page, CHLOE);
    const delivered = await settledNotifications(page.request);
    const unread = delivered.filter((notification) => notification.readAt === null).length;
    await page.goto('/dashboard/notifications');
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await notificationsLink(page, `Notifications, ${unread} ${unread === 1 ? 'non lue' : 'non lues'}`).waitFor();
    const list = page.getByRole('list', { name: 'Vos notifications' });
    await eventually(() => list.getByRole('listitem').count()).toBe(delivered.length);
    // Chloé's notifications were written in her language when they were delivered.
    await list.getByRole('heading', { name: 'Nouveau paiement reçu' }).first().waitFor();
    expect(await list.getByText('Non lue', { exact: true }).count()).toBe(unread);
    await page.getByRole('button', { name: 'Tout marquer comme lu' }).waitFor();
    await page.getByLabel('Non lues seulement').waitFor();
    await page.getByRole('switch', { name: 'E-mails sur les paiements' }).waitFor();
    await page.getByRole('button', { name: 'Enregistrer les préférences d’e-mail' }).waitFor();
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('an admin reads a kept email in the mailbox: headers, the HTML in a sandboxed frame (its inline styles allowed by the CSP), the text', async () => {
    const page = await harness.newPage();
    await harness.login(page, DEMO_ADMIN.email);
    await eventually(async () => (await mailboxOf(page.request, BEN)).length).toBeGreaterThan(0);
    const [email] = await mailboxOf(page.request, BEN);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mailbox' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mailbox' }).waitFor();
    await page.getByRole('tab', { name: 'Emails', selected: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Recipient' }).fill(BEN);
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/to=ben%40demo/);
    const row = page.getByRole('row').filter({ hasText: email!.subject });
    await row.getByText(BEN).waitFor();
    await row.getByText(email!.topic!).waitFor();
    await row.getByRole('button', { name: email!.subject }).click();

    const viewer = page.getByRole('region', { name: email!.subject });
    await viewer.getByText(email!.messageId, { exact: true }).waitFor();
    await viewer.getByText(email!.to, { exact: true }).first().waitFor();
    const frame = viewer.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    expect(await frame.getAttribute('title')).toBe(`HTML version of “${email!.subject}”`);
    const html = page.frameLocator(`iframe[title="HTML version of “${email!.subject}”"]`);
    await html.getByText('Hello Ben Okafor,').waitFor();
    // The email's inline styles apply inside the frame (the page's CSP allows inline styles).
    const background = await html.locator('body').evaluate((body) => {
      // Runs in the frame (this project's TypeScript has no DOM types: the frame's globals are typed here).
      const frame = globalThis as unknown as { getComputedStyle: (element: unknown) => { backgroundColor: string } };
      return frame.getComputedStyle(body).backgroundColor;
    });
    expect(background).toBe('rgb(243, 244, 246)');
    const text = viewer.locator('pre');
    expect((await text.textContent())?.trim()).toBe(email!.text.trim());
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('unsubscribe: a real link from an email works once, then says it was used; a forged or missing token is refused', async () => {
    const admin = await harness.newPage();
    await harness.login(admin, DEMO_ADMIN.email, { via: 'api' });
    const email = (await mailboxOf(admin.request, BEN)).find((candidate) => candidate.topic === 'payout.requested');
    expect(email, 'the demo emails Ben that his payout request was received').toBeDefined();
    const bodyLink = /\/unsubscribe\?token=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(email!.text)?.[1];
    const headerLink = /\/api\/notifications\/unsubscribe\?token=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)>/.exec(email!.headers['List-Unsubscribe'] ?? '')?.[1];
    expect(bodyLink).toBeDefined();
    expect(headerLink).toBe(bodyLink);
    const token = bodyLink!;

    // In French first (the browser's language, nobody signed in): it says which emails stop, and does nothing on its own.
    const french = await harness.newPage({ locale: 'fr-FR' });
    const served = await french.goto(`/unsubscribe?token=${token}`);
    expect(served?.status(), 'the service serves the app at /unsubscribe (clientRoutes in src/http/web-app.ts)').toBe(200);
    await french.getByRole('heading', { level: 1, name: 'Ne plus recevoir d’e-mails sur les paiements' }).waitFor();
    await french.getByRole('button', { name: 'Me désinscrire' }).waitFor();
    await harness.checkA11y(french);
    expect(harness.problems(french)).toEqual([]);

    const page = await harness.newPage();
    await page.goto(`/unsubscribe?token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Unsubscribe from emails about payouts' }).waitFor();
    await page.getByText('You will no longer receive emails about payouts.', { exact: false }).waitFor();
    await harness.checkA11y(page);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { level: 1, name: 'You are unsubscribed' }).waitFor();
    await page.getByText('You will no longer receive emails about payouts.').waitFor();
    await harness.checkA11y(page);

    // Done for Ben: his preference says so once he signs in through the page's link.
    await page.getByRole('link', { name: 'Sign in to manage your email preferences' }).click();
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Email').fill(BEN);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dashboard\/notifications#email-preferences$/);
    const payouts = page.getByRole('switch', { name: 'Emails about payouts' });
    await payouts.waitFor();
    expect(await payouts.isChecked()).toBe(false);
    expect(await emailPreferenceOf(page.request, 'payouts')).toBe(false);

    // The same link again: already used.
    const again = await harness.newPage();
    await again.goto(`/unsubscribe?token=${token}`);
    await again.getByRole('button', { name: 'Unsubscribe' }).click();
    await again.getByRole('heading', { level: 1, name: 'This link was already used' }).waitFor();
    await again.getByText('This unsubscribe link has already been used.', { exact: false }).waitFor();
    await harness.checkA11y(again);

    // A token the service did not sign (the same claims, another signature): refused as invalid.
    const [claims] = token.split('.');
    const forged = await harness.newPage();
    await forged.goto(`/unsubscribe?token=${claims}.${'A'.repeat(43)}`);
    await forged.getByRole('heading', { level: 1, name: 'Unsubscribe from emails about payouts' }).waitFor();
    await forged.getByRole('button', { name: 'Unsubscribe' }).click();
    await forged.getByRole('heading', { level: 1, name: 'This link cannot be used' }).waitFor();
    await forged.getByText('This unsubscribe link is not valid', { exact: false }).waitFor();
    await harness.checkA11y(forged);

    // No token at all: said at once, nothing to press.
    const missing = await harness.newPage();
    await missing.goto('/unsubscribe');
    await missing.getByRole('heading', { level: 1, name: 'This link cannot be used' }).waitFor();
    await missing.getByText('This link has no token', { exact: false }).waitFor();
    expect(await missing.getByRole('button', { name: 'Unsubscribe' }).count()).toBe(0);
    for (const each of [page, again, forged, missing]) expect(harness.problems(each)).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('failed deliveries (issue 13) in Chromium', () => {
  let harness: BrowserHarness;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    // Every email of the demo is refused for good (550): each message fails at once.
    smtp.refuseNext(Number.MAX_SAFE_INTEGER, 550, 'No such mailbox');
    harness = await startBrowserHarness({ env: { SMTP_URL: smtp.url } });
  });

  afterAll(async () => {
    await harness?.close();
    await smtp?.close();
  });

  it('lists what failed with why, and "Send again" delivers it once the mail server accepts', async () => {
    const page = await harness.newPage();
    await harness.login(page, DEMO_ADMIN.email);
    const failedNow = async () => (await getJson<{ data: FailedMessage[] }>(page.request, '/api/admin/notifications/failed?limit=100')).data;
    await eventually(async () => (await failedNow()).length).toBeGreaterThan(0);
    const failed = await failedNow();

    // With SMTP_URL set, nothing is kept in the mailbox.
    await page.goto('/dashboard/admin/mailbox');
    await page.getByText('No emails kept.', { exact: false }).waitFor();
    await page.getByRole('tab', { name: 'Failed deliveries' }).click();
    await page.waitForURL(/view=failed/);
    const [first] = failed;
    const row = page.getByRole('row').filter({ hasText: first!.recipient }).filter({ hasText: first!.topic }).first();
    await row.getByText('No such mailbox', { exact: false }).waitFor();
    await harness.checkA11y(page);

    smtp.refuseNext(0, 250);
    const before = smtp.received.length;
    expect(before).toBe(0);
    await row.getByRole('button', { name: /^Send again/ }).click();
    await page.getByText(`${first!.topic} to ${first!.recipient} is queued again`, { exact: false }).waitFor();
    // Delivered now: its Message-ID is `<outbox id@host>` (other demo messages still on their way may arrive too).
    await eventually(() => smtp.received.slice(before).some((email) => email.messageId.startsWith(`<${first!.id}@`) && email.header('x-payouts-topic') === first!.topic)).toBe(true);
    await eventually(async () => (await failedNow()).some((message) => message.id === first!.id)).toBe(false);
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });
});
