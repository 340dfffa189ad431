import type { APIRequestContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../src/demo/seed-demo-data.js';
import { raiseAlert, topicAlert } from '../../src/services/alerts/raise-alert.js';
import { createUser } from '../../src/services/users/create-user.js';
import { formatMoney } from '../../src/web/lib/money.js';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

/**
 * The operator's money pages (issue 14 §1, §2, §6) in Chromium against the real service and its
 * Stripe sandbox, on the demo: the platform balance checked from the page ("Check now"), the
 * alerts the balance check and the payout monitor raise (plus a chargeback alert raised through
 * the service, as a dispute does) acknowledged, resolved (the note required by the form and the
 * API) and snoozed in the browser, two admins acting on one alert, the analytics. Every page in
 * English and French, at desktop and phone widths, with axe.
 *
 * The tests share one service and run in order: each leaves the alerts as the next expects them.
 */

interface ApiAlert {
  id: string;
  type: string;
  severity: 'info' | 'warning' | 'critical';
  status: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
  subject: string;
  headline: string;
  snoozedUntil: string | null;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

interface ApiBalance {
  currencies: {
    currency: string;
    balanceStatus: { thresholdStatus: 'depleted' | 'critical' | 'warning' | 'healthy'; availableBalance: number; pendingObligations: number; requiredReserve: number; availableForPayouts: number };
    thresholds: { critical: number | null; warning: number | null; healthy: number | null; criticalReserve: number; warningReserve: number };
    trend: { direction: 'increasing' | 'decreasing' | 'stable' } | null;
    openAlerts: { subject: string; headline: string }[];
  }[];
  history: { currency: string }[];
}

interface ApiAnalytics {
  currency: string;
  revenue: { total: number; period: number };
  platformFees: { period: number };
  creatorEarnings: { period: number };
  payouts: { pending: { count: number; amount: number }; completedInPeriod: { amount: number } };
  balances: { held: number; available: number };
  topCreators: { name: string; earnings: number }[];
  paymentStatuses: Record<string, number>;
  daily: { date: string; revenue: number }[];
}

const SECOND_ADMIN = { email: 'second-admin@browser.test', password: 'second-admin-password' };
const THRESHOLD_WORDS = { depleted: 'Depleted', critical: 'Critical', warning: 'Warning', healthy: 'Healthy' } as const;
const TREND_WORDS = { increasing: 'Increasing', decreasing: 'Decreasing', stable: 'Stable' } as const;

/** An amount as the English page shows it; `fr` as the French one. */
const eur = (minor: number) => formatMoney(minor, 'eur', 'en');
const eurFr = (minor: number) => formatMoney(minor, 'eur', 'fr');

async function csrfOf(request: APIRequestContext): Promise<string> {
  return ((await (await request.get('/api/auth/me')).json()) as { csrfToken: string }).csrfToken;
}

async function getJson<T>(request: APIRequestContext, url: string, headers: Record<string, string> = {}): Promise<T> {
  const reply = await request.get(url, { headers });
  expect(reply.status(), await reply.text()).toBe(200);
  return (await reply.json()) as T;
}

/** Run a scheduled job now as the signed-in admin (`POST /api/cron/<job>`, which admins may call). */
async function runJob(request: APIRequestContext, job: string): Promise<void> {
  const reply = await request.post(`/api/cron/${job}`, { headers: { 'x-csrf-token': await csrfOf(request) } });
  expect(reply.status(), await reply.text()).toBe(200);
}

async function alertById(request: APIRequestContext, id: string): Promise<ApiAlert> {
  const { data } = await getJson<{ data: ApiAlert[] }>(request, '/api/admin/alerts?limit=200');
  const alert = data.find((candidate) => candidate.id === id);
  expect(alert, `alert ${id}`).toBeDefined();
  return alert!;
}

/** An alert as a person finds it on the page: the card named by its headline and what the check found. */
function alertCard(page: Page, alert: Pick<ApiAlert, 'headline' | 'subject'>): Locator {
  return page.getByRole('article', { name: alert.headline === alert.subject ? alert.headline : `${alert.headline} ${alert.subject}`, exact: true });
}

/** A figure of the balance page: the amount under its label. */
function figure(section: Locator, label: string): Locator {
  return section.locator('dl > div').filter({ has: section.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').first();
}

/** `YYYY-MM-DDTHH:mm` in this machine's time zone (the browser's too): what a datetime-local field takes. */
function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** At a phone's width: no serious accessibility problem, and nothing wider than the screen (tables scroll inside their box). */
async function checkPhoneWidth(harness: BrowserHarness, page: Page): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await harness.checkA11y(page);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, 'the page scrolls sideways on a phone').toBeLessThanOrEqual(0);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

describe.skipIf(!hasChromium)('money pages for admins (issue 14): alerts, platform balance, analytics', () => {
  let harness: BrowserHarness;
  let page: Page;
  let myActor: string;
  /** The chargeback alert raised through the service; acknowledged, then resolved by the first admin. */
  let dispute: ApiAlert;
  /** Open alerts raised by the jobs: [0] resolved in the browser, [1] snoozed then acknowledged by the first of two admins. */
  let fromJobs: ApiAlert[];

  beforeAll(async () => {
    harness = await startBrowserHarness();
    page = await harness.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await harness.login(page, DEMO_ADMIN.email);
    myActor = ((await (await page.request.get('/api/auth/me')).json()) as { principal: { actor: string } }).principal.actor;
    await harness.server.database.db.transaction((tx) =>
      createUser(tx, { email: SECOND_ADMIN.email, name: 'Second Admin', role: 'ADMIN', password: SECOND_ADMIN.password, actor: 'test' }, harness.server.app.deps),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('balance: "Check now" from the page; the threshold status in words, the figures, the trend, the open alerts, the history as a chart and a table', async () => {
    await page.goto('/dashboard/admin/balance');
    await page.getByRole('heading', { level: 1, name: 'Platform balance' }).waitFor();
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByText('Balance checked:').waitFor();

    const balance = await getJson<ApiBalance>(page.request, '/api/admin/balance');
    const latest = balance.currencies.find((entry) => entry.currency === 'eur')!;
    expect(latest, 'a EUR check').toBeDefined();
    const status = latest.balanceStatus;
    const section = page.getByRole('region', { name: 'EUR balance' });
    await section.waitFor();
    await section.getByText(THRESHOLD_WORDS[status.thresholdStatus], { exact: true }).first().waitFor();
    await expect.poll(() => figure(section, 'Available at Stripe').textContent()).toBe(eur(status.availableBalance));
    expect(await figure(section, 'Owed to creators').textContent()).toBe(eur(status.pendingObligations));
    expect(await figure(section, 'Required reserve').textContent()).toBe(eur(status.requiredReserve));
    expect(await figure(section, 'Available for payouts').textContent()).toBe(eur(status.availableForPayouts));
    // Next to the status, what it was judged against: the figure compared and each status's amounts (the platform currency has fixed ones).
    const thresholds = section.getByRole('list', { name: 'Status thresholds' });
    await section.getByText(`Judged on “Available at Stripe”: ${eur(status.availableBalance)}`).waitFor();
    expect(await thresholds.getByRole('listitem').allTextContents()).toEqual([
      `Depleted: ${eur(0)} or less`,
      `Critical: below ${eur(latest.thresholds.critical!)}, or below ${eur(latest.thresholds.criticalReserve)} (half the required reserve)`,
      `Warning: below ${eur(latest.thresholds.warning!)}, or below ${eur(latest.thresholds.warningReserve)} (80 % of the required reserve)`,
      `Healthy: at least ${eur(latest.thresholds.healthy!)} and at least ${eur(status.requiredReserve)} (the whole required reserve); anything between is a warning`,
    ]);
    expect(await thresholds.locator('[aria-current="true"]').textContent()).toMatch(new RegExp(`^${THRESHOLD_WORDS[status.thresholdStatus]}:`));
    expect(await figure(section, 'Trend \\(7 days\\)').textContent()).toContain(latest.trend ? TREND_WORDS[latest.trend.direction] : 'Not enough history');
    for (const alert of latest.openAlerts) await section.getByText(alert.headline, { exact: true }).waitFor();

    // The chart is one image named for what it shows; its Table tab lists every snapshot.
    const snapshots = balance.history.filter((snapshot) => snapshot.currency === 'eur').length;
    await section.getByRole('img', { name: /^Line chart of \d+ EUR snapshots?/ }).waitFor();
    expect(await section.locator('.recharts-wrapper').count()).toBe(1);
    await harness.checkA11y(page);
    await section.getByRole('tab', { name: 'Table' }).click();
    const table = section.getByRole('table', { name: 'EUR balance snapshots, newest first' });
    await table.waitFor();
    expect(await table.getByRole('row').count()).toBe(snapshots + 1);
    await table.getByRole('row').nth(1).getByText(eur(status.availableBalance)).waitFor();

    await checkPhoneWidth(harness, page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('alerts: severity and status in words, filters in the URL, details; acknowledge, resolve (an empty note refused by the form), snooze', async () => {
    // Conditions: the payout monitor over the demo's payouts, and a chargeback raised as a dispute raises it.
    await runJob(page.request, 'monitor-payouts');
    const [payment] = (await getJson<{ data: { id: string; creatorId: string }[] }>(page.request, '/api/payments?limit=1')).data;
    const raised = await harness.server.database.db.transaction((tx) =>
      raiseAlert(
        tx,
        topicAlert('alert.dispute_created', {
          about: 'dp_browser_money',
          subject: `Dispute dp_browser_money opened on payment ${payment!.id} (€45.00)`,
          payload: { severity: 'critical', paymentId: payment!.id, creatorId: payment!.creatorId, amount: '4500', currency: 'eur', disputeId: 'dp_browser_money', reason: 'fraudulent', creatorPart: '4050', feePart: '450' },
          at: harness.server.app.deps.clock.now(),
        }),
      ),
    );
    dispute = await alertById(page.request, String(raised.alert.id));
    const open = (await getJson<{ data: ApiAlert[] }>(page.request, '/api/admin/alerts?status=OPEN&limit=200')).data;
    fromJobs = open.filter((alert) => alert.id !== dispute.id && alert.type !== 'dispute_created');
    expect(fromJobs.length, `open alerts from the balance check and the monitor: ${JSON.stringify(open.map((alert) => alert.type))}`).toBeGreaterThanOrEqual(2);

    await page.goto('/dashboard/admin/alerts');
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const disputeCard = alertCard(page, dispute);
    expect(dispute.headline).toBe(`Dispute opened on a payment of ${eur(4500)}`);
    await disputeCard.getByRole('heading', { name: dispute.headline, exact: true }).waitFor();
    await disputeCard.getByText('Critical', { exact: true }).waitFor();
    await disputeCard.getByText('Open', { exact: true }).waitFor();
    await disputeCard.getByText('Chargeback opened', { exact: true }).waitFor();
    await disputeCard.getByText('First seen').waitFor();
    await disputeCard.getByText('Last seen').waitFor();
    await disputeCard.getByText('Details', { exact: true }).click();
    await disputeCard.getByText(eur(4500), { exact: true }).waitFor();
    await disputeCard.getByText('fraudulent', { exact: true }).waitFor();
    for (const alert of fromJobs) await alertCard(page, alert).getByText(alert.severity === 'critical' ? 'Critical' : 'Warning', { exact: true }).waitFor();
    await harness.checkA11y(page);

    // Filters live in the URL: a copied link shows the same list.
    await page.getByLabel('Severity').selectOption('critical');
    await page.waitForURL(/severity=critical/);
    await page.getByLabel('Status').selectOption('OPEN');
    await page.waitForURL((url) => url.searchParams.get('status') === 'OPEN' && url.searchParams.get('severity') === 'critical');
    await disputeCard.waitFor();
    const openCritical = (await getJson<{ data: ApiAlert[] }>(page.request, '/api/admin/alerts?status=OPEN&severity=critical&limit=200')).data;
    await expect.poll(() => page.getByRole('article').count()).toBe(openCritical.length);
    expect(await page.getByRole('article').filter({ hasNot: page.getByText('Critical', { exact: true }) }).count()).toBe(0);
    const copy = await harness.newPage();
    await harness.login(copy, DEMO_ADMIN.email, { via: 'api' });
    await copy.goto(new URL(page.url()).pathname + new URL(page.url()).search);
    await alertCard(copy, dispute).waitFor();
    expect(await copy.getByLabel('Severity').inputValue()).toBe('critical');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => url.search === '');

    // Acknowledge.
    await disputeCard.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Alert acknowledged.').waitFor();
    await disputeCard.getByText('Acknowledged', { exact: true }).waitFor();
    await disputeCard.getByText(/^Acknowledged by you on /).waitFor();
    expect(await alertById(page.request, dispute.id)).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: myActor });

    // Resolve: the note is required — refused by the form, and by the API.
    const toResolve = fromJobs[0]!;
    const resolveCard = alertCard(page, toResolve);
    await resolveCard.getByRole('button', { name: 'Resolve' }).click();
    const resolveDialog = page.getByRole('dialog', { name: 'Resolve this alert' });
    await resolveDialog.waitFor();
    await resolveDialog.getByRole('button', { name: 'Resolve alert' }).click();
    await resolveDialog.getByText('A note is required to resolve an alert: say what was done.').waitFor();
    expect(await resolveDialog.getByLabel('Resolution note').getAttribute('aria-invalid')).toBe('true');
    await harness.checkA11y(page);
    expect((await alertById(page.request, toResolve.id)).status).toBe('OPEN');
    const refused = await page.request.post(`/api/admin/alerts/${toResolve.id}/resolve`, { headers: { 'x-csrf-token': await csrfOf(page.request) }, data: { note: '  ' } });
    expect(refused.status()).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ALERT_NOTE_REQUIRED');
    await resolveDialog.getByLabel('Resolution note').fill('Topped up the platform balance at Stripe');
    expect(await resolveDialog.getByLabel('Resolution note').getAttribute('aria-invalid')).toBeNull();
    await resolveDialog.getByRole('button', { name: 'Resolve alert' }).click();
    await resolveDialog.waitFor({ state: 'hidden' });
    await page.getByText('Alert resolved.').waitFor();
    await resolveCard.getByText('Resolved', { exact: true }).waitFor();
    await resolveCard.getByText('Topped up the platform balance at Stripe').waitFor();
    expect(await resolveCard.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    expect(await alertById(page.request, toResolve.id)).toMatchObject({ status: 'RESOLVED', resolvedBy: myActor, resolutionNote: 'Topped up the platform balance at Stripe' });

    // Snooze: empty and past times refused by the form; a week ahead accepted.
    const toSnooze = fromJobs[1]!;
    const snoozeCard = alertCard(page, toSnooze);
    await snoozeCard.getByRole('button', { name: 'Snooze' }).click();
    const snoozeDialog = page.getByRole('dialog', { name: 'Snooze this alert' });
    await snoozeDialog.getByRole('button', { name: 'Snooze alert' }).click();
    await snoozeDialog.getByText('Choose a date and time.').waitFor();
    expect(await snoozeDialog.getByLabel('Snooze until').getAttribute('aria-invalid')).toBe('true');
    await snoozeDialog.getByLabel('Snooze until').fill(localInputValue(new Date(Date.now() - 3_600_000)));
    await snoozeDialog.getByRole('button', { name: 'Snooze alert' }).click();
    await snoozeDialog.getByText('Choose a time in the future.').waitFor();
    await harness.checkA11y(page);
    await snoozeDialog.getByRole('button', { name: '1 week' }).click();
    const asked = Date.now();
    await snoozeDialog.getByRole('button', { name: 'Snooze alert' }).click();
    await snoozeDialog.waitFor({ state: 'hidden' });
    await page.getByText(/^Alert snoozed until /).waitFor();
    await snoozeCard.getByText(/^Snoozed until /).waitFor();
    const snoozed = await alertById(page.request, toSnooze.id);
    expect(snoozed.status).toBe('OPEN');
    expect(Math.abs(Date.parse(snoozed.snoozedUntil!) - (asked + 7 * 86_400_000))).toBeLessThan(5 * 60_000);
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('two admins at once: the second is told in words that the first got there first (409), and sees the alert as it now is', async () => {
    const second = await harness.newPage();
    await second.setViewportSize({ width: 1280, height: 900 });
    await harness.login(second, SECOND_ADMIN.email, { password: SECOND_ADMIN.password });
    await second.goto('/dashboard/admin/alerts');
    await page.goto('/dashboard/admin/alerts');

    // Both see the snoozed alert open; the first acknowledges it, then the second clicks.
    const target = fromJobs[1]!;
    const theirs = alertCard(second, target);
    await theirs.getByRole('button', { name: 'Acknowledge' }).waitFor();
    await alertCard(page, target).getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Alert acknowledged.').waitFor();
    await theirs.getByRole('button', { name: 'Acknowledge' }).click();
    await second.getByText(`Another admin got there first: this alert was already acknowledged by ${myActor}. The list shows it as it is now.`).waitFor();
    await theirs.getByText('Acknowledged', { exact: true }).waitFor();
    expect(await theirs.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    // The same for a resolution: the second's dialog closes and says who resolved it.
    const disputeTheirs = alertCard(second, dispute);
    await disputeTheirs.getByRole('button', { name: 'Resolve' }).waitFor();
    await alertCard(page, dispute).getByRole('button', { name: 'Resolve' }).click();
    const mine = page.getByRole('dialog', { name: 'Resolve this alert' });
    await mine.getByLabel('Resolution note').fill('Evidence sent to Stripe');
    await mine.getByRole('button', { name: 'Resolve alert' }).click();
    await page.getByText('Alert resolved.').waitFor();
    await disputeTheirs.getByRole('button', { name: 'Resolve' }).click();
    const theirDialog = second.getByRole('dialog', { name: 'Resolve this alert' });
    await theirDialog.getByLabel('Resolution note').fill('Refunded the customer');
    await theirDialog.getByRole('button', { name: 'Resolve alert' }).click();
    await theirDialog.waitFor({ state: 'hidden' });
    await second.getByText(`Another admin got there first: this alert was already resolved by ${myActor}. The list shows it as it is now.`).waitFor();
    await disputeTheirs.getByText('Resolved', { exact: true }).waitFor();
    expect(await alertById(page.request, dispute.id)).toMatchObject({ status: 'RESOLVED', resolvedBy: myActor, resolutionNote: 'Evidence sent to Stripe' });
    await harness.checkA11y(second);
    await checkPhoneWidth(harness, second);
    expect(harness.problems(second)).toEqual([]);
  });

  it('analytics: the period in the URL, the cards, the daily series as charts and tables, top creators, payments by status', async () => {
    await page.goto('/dashboard/admin/analytics');
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    await page.getByLabel('Period', { exact: true }).selectOption('7');
    await page.waitForURL(/period=7/);
    const data = await getJson<ApiAnalytics>(page.request, '/api/admin/analytics?period=7');

    const card = (name: string) => page.getByRole('region', { name, exact: true });
    await expect.poll(() => card('Revenue').textContent()).toContain(`${eur(data.revenue.period)}All time: ${eur(data.revenue.total)}`);
    expect(await card('Platform fees').textContent()).toContain(eur(data.platformFees.period));
    expect(await card('Creator earnings').textContent()).toContain(eur(data.creatorEarnings.period));
    expect(await card('Payouts pending').textContent()).toContain(`${eur(data.payouts.pending.amount)}${data.payouts.pending.count} payout`);
    expect(await card('Payouts completed in the period').textContent()).toContain(eur(data.payouts.completedInPeriod.amount));
    expect(await card('Owed to creators now').textContent()).toContain(`Held${eur(data.balances.held)}Available${eur(data.balances.available)}`);

    const revenue = page.getByRole('region', { name: 'Revenue, earnings and fees per day' });
    await revenue.getByRole('img', { name: 'Line chart of revenue, creator earnings and platform fees over 7 days. The Table tab lists the figures.' }).waitFor();
    await page.getByRole('region', { name: 'Payouts paid per day' }).getByRole('img', { name: /^Bar chart of the amount paid out each day over 7 days/ }).waitFor();
    await harness.checkA11y(page);
    await revenue.getByRole('tab', { name: 'Table' }).click();
    const days = revenue.getByRole('table', { name: 'Revenue, earnings and fees per day' });
    expect(await days.getByRole('row').count()).toBe(8);
    const today = data.daily.at(-1)!;
    expect(await days.getByRole('row').nth(1).textContent()).toContain(eur(today.revenue));

    const top = page.getByRole('table', { name: "The period's highest earners" });
    for (const creator of data.topCreators) await top.getByRole('row').filter({ hasText: creator.name }).getByText(eur(creator.earnings)).waitFor();
    const statuses = page.getByRole('table', { name: "The period's payments by their status now" });
    expect(await statuses.getByRole('row').filter({ hasText: 'Held' }).getByRole('cell').nth(1).textContent()).toBe(String(data.paymentStatuses.HELD));
    await harness.checkA11y(page);
    await checkPhoneWidth(harness, page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('speaks French on each page: words, buttons, amounts (1 234,56 € style)', async () => {
    const french = await harness.newPage({ locale: 'fr-FR' });
    await french.setViewportSize({ width: 1280, height: 900 });
    await harness.login(french, DEMO_ADMIN.email, { via: 'api' });

    await french.goto('/dashboard/admin/analytics?period=30');
    await french.getByRole('heading', { level: 1, name: 'Statistiques' }).waitFor();
    const data = await getJson<ApiAnalytics>(french.request, '/api/admin/analytics?period=30');
    await french.getByLabel('Période', { exact: true }).waitFor();
    await expect.poll(() => french.getByRole('region', { name: 'Chiffre d’affaires', exact: true }).textContent()).toContain(eurFr(data.revenue.period));
    await french.getByRole('tab', { name: 'Graphique' }).first().waitFor();
    await french.getByRole('tab', { name: 'Tableau' }).first().waitFor();
    await harness.checkA11y(french);

    await french.getByRole('link', { name: 'Solde' }).click();
    await french.getByRole('heading', { level: 1, name: 'Solde de la plateforme' }).waitFor();
    await french.getByRole('button', { name: 'Contrôler maintenant' }).waitFor();
    const balance = await getJson<ApiBalance>(french.request, '/api/admin/balance');
    const frLatest = balance.currencies.find((entry) => entry.currency === 'eur')!;
    const status = frLatest.balanceStatus;
    const section = french.getByRole('region', { name: 'Solde en EUR' });
    const words = { depleted: 'Épuisé', critical: 'Critique', warning: 'Avertissement', healthy: 'Sain' } as const;
    await section.getByText(words[status.thresholdStatus], { exact: true }).first().waitFor();
    expect(await figure(section, 'Disponible chez Stripe').textContent()).toBe(eurFr(status.availableBalance));
    const frThresholds = section.getByRole('list', { name: 'Seuils du statut' });
    expect(await frThresholds.getByRole('listitem').nth(1).textContent()).toBe(
      `Critique\u00a0: moins de ${eurFr(frLatest.thresholds.critical!)}, ou moins de ${eurFr(frLatest.thresholds.criticalReserve)} (la moitié de la réserve requise)`,
    );
    await section.getByText(`Évalué sur «\u00a0Disponible chez Stripe\u00a0»\u00a0: ${eurFr(status.availableBalance)}`).waitFor();
    await harness.checkA11y(french);

    // The page asks for the service's words in its own language (not the browser's list), and each alert's headline comes in French.
    const asked = french.waitForRequest((request) => new URL(request.url()).pathname === '/api/admin/alerts');
    await french.getByRole('link', { name: 'Alertes' }).click();
    expect((await asked).headers()['accept-language']).toBe('fr');
    await french.getByRole('heading', { level: 1, name: 'Alertes' }).waitFor();
    const inFrench = (await getJson<{ data: ApiAlert[] }>(french.request, '/api/admin/alerts?limit=200', { 'accept-language': 'fr' })).data;
    const disputeFr = inFrench.find((alert) => alert.id === dispute.id)!;
    expect(disputeFr.headline).toBe(`Litige ouvert sur un paiement de ${eurFr(4500)}`);
    const disputeCard = alertCard(french, disputeFr);
    await disputeCard.getByRole('heading', { name: disputeFr.headline, exact: true }).waitFor();
    await disputeCard.getByText(dispute.subject, { exact: true }).waitFor();
    await disputeCard.getByText('Critique', { exact: true }).waitFor();
    await disputeCard.getByText('Résolue', { exact: true }).waitFor();
    await disputeCard.getByText(/^Résolue par vous le /).waitFor();
    await alertCard(french, inFrench.find((alert) => alert.id === fromJobs[1]!.id)!).getByText('Prise en charge', { exact: true }).waitFor();
    await french.getByLabel('Gravité').waitFor();
    await harness.checkA11y(french);
    expect(harness.problems(french)).toEqual([]);
  });
});
