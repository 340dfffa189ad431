import type { APIRequestContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN } from '../../src/demo/seed-demo-data.js';
import { formatMoney } from '../../src/web/lib/money.js';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

/**
 * The admin pages of issue 12 §5 in Chromium against the real service and its sandbox: process
 * the demo's pending payout, bulk process, the approval queue (approve with notes; reject without
 * notes refused by the form and by the API, then with notes), the creators page, French, axe.
 *
 * The tests share one service and run in order: each leaves the demo as the next expects it.
 */

interface AdminPayoutRow {
  id: string;
  creatorName: string;
  status: string;
  requestedAmount: number;
  reviewNotes: string | null;
}

/** The admin's own session, from the page's cookies: the CSRF token its mutations need. */
async function csrfOf(request: APIRequestContext): Promise<string> {
  const me = (await (await request.get('/api/auth/me')).json()) as { csrfToken: string };
  return me.csrfToken;
}

async function payoutsOf(request: APIRequestContext, query: string): Promise<AdminPayoutRow[]> {
  const reply = await request.get(`/api/admin/payouts?${query}`);
  expect(reply.status()).toBe(200);
  return ((await reply.json()) as { data: AdminPayoutRow[] }).data;
}

/** Wait until `predicate` holds for the payout as the API reports it (the sandbox pays asynchronously). */
async function waitForPayout(request: APIRequestContext, id: string, predicate: (payout: AdminPayoutRow) => boolean): Promise<AdminPayoutRow> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const payout = (await payoutsOf(request, 'limit=200')).find((candidate) => candidate.id === id);
    if (payout && predicate(payout)) return payout;
    if (Date.now() > deadline) throw new Error(`payout ${id} never reached the expected state; last seen: ${JSON.stringify(payout)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * A demo creator asks for a payout, as the host platform does it: a platform API key issues a
 * short-lived token for the creator's user, who posts the request (the demo's creators have no
 * password of their own to rely on here).
 */
async function requestPayoutAs(request: APIRequestContext, platformKey: string, email: string, amount: number): Promise<{ id: string; status: string }> {
  const creators = (await (await request.get(`/api/admin/creators?search=${encodeURIComponent(email)}`)).json()) as { data: { userId: string; email: string }[] };
  const userId = creators.data.find((creator) => creator.email === email)?.userId;
  expect(userId, `creator ${email}`).toBeDefined();
  const token = await request.post('/api/auth/tokens', { headers: { authorization: `Bearer ${platformKey}` }, data: { userId } });
  expect(token.status(), await token.text()).toBe(200);
  const bearer = ((await token.json()) as { token: string }).token;
  const reply = await request.post('/api/payouts/request', { headers: { authorization: `Bearer ${bearer}` }, data: { amount } });
  expect(reply.status(), await reply.text()).toBe(201);
  return ((await reply.json()) as { payout: { id: string; status: string } }).payout;
}

interface CreatorFacts {
  creatorId: string;
  balances: { available: number };
  lifetimeEarnings: { netAmount: number };
}

/** A demo creator's balances and lifetime earnings now, from the admin API (the amounts below are derived from them). */
async function creatorFacts(request: APIRequestContext, email: string): Promise<CreatorFacts> {
  const list = (await (await request.get(`/api/admin/creators?search=${encodeURIComponent(email)}`)).json()) as { data: { creatorId: string; email: string }[] };
  const creatorId = list.data.find((creator) => creator.email === email)?.creatorId;
  const reply = await request.get(`/api/admin/creators/${creatorId}`);
  expect(reply.status()).toBe(200);
  return (await reply.json()) as CreatorFacts;
}

/** An amount as the English page shows it. */
const eur = (minor: number) => formatMoney(minor, 'eur', 'en');

/** The table row of a payout, found as a person finds it: by the creator's name and the amount. */
function payoutRow(page: Page, creatorName: string, amount: string): Locator {
  return page.getByRole('row').filter({ hasText: creatorName }).filter({ hasText: amount });
}

describe.skipIf(!hasChromium)('admin dashboard (issue 12 §5) in Chromium', () => {
  let harness: BrowserHarness;
  let page: Page;
  let platformKey: string;
  /** Ana's request that the 15 % rule sends to the approval queue (set by the bulk test, which leaves exactly this much available). */
  let anaFlaggedAmount: number;

  beforeAll(async () => {
    harness = await startBrowserHarness({
      env: {
        // The demo's creators ask for more payouts here than a person would in 5 minutes.
        MIN_SECONDS_BETWEEN_PAYOUTS: '0',
        MAX_PAYOUTS_PER_DAY: '10',
        // Flags a later payout above 15 % of lifetime earnings for approval: the demo's first
        // payouts are not judged by this rule, so the demo seeds as usual; below, a request of
        // 10 % of a creator's earnings passes while the rest of Ana's balance waits for an admin.
        SUSPICIOUS_EARNINGS_PERCENT: '15',
      },
    });
    page = await harness.newPage();
    await harness.login(page, DEMO_ADMIN.email);
    const key = await page.request.post('/api/admin/api-keys', { headers: { 'x-csrf-token': await csrfOf(page.request) }, data: { role: 'PLATFORM', name: 'admin dashboard test' } });
    expect(key.status(), await key.text()).toBe(201);
    platformKey = ((await key.json()) as { key: string }).key;
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('speaks French: labels, buttons and amounts (1 234,56 € style)', async () => {
    const french = await harness.newPage({ locale: 'fr-FR' });
    await harness.login(french, DEMO_ADMIN.email, { via: 'api' });
    await french.goto('/dashboard/admin/payouts');
    await french.getByRole('heading', { level: 1, name: 'Virements' }).waitFor();
    const ben = french.getByRole('row').filter({ hasText: 'Ben Okafor' }).filter({ hasText: /100,00\s€/ });
    await ben.getByRole('button', { name: 'Traiter', exact: true }).waitFor();
    expect(await ben.getByText('En attente', { exact: true }).count()).toBe(1);
    await french.getByLabel('Statut').waitFor();
    await french.getByLabel('Créateur', { exact: true }).waitFor();
    await french.getByRole('button', { name: 'Traiter la sélection' }).waitFor();
    await harness.checkA11y(french);
    expect(harness.problems(french)).toEqual([]);
  });

  it("fits a laptop's width; on a phone, the table scrolls inside its box, with a shadow at the edge that hides columns", async () => {
    const tab = await harness.newPage();
    await tab.setViewportSize({ width: 1280, height: 900 });
    await harness.login(tab, DEMO_ADMIN.email, { via: 'api' });
    await tab.goto('/dashboard/admin/payouts');
    const ben = payoutRow(tab, 'Ben Okafor', '€100.00');
    await ben.waitFor();
    const box = tab.getByRole('table').locator('xpath=..');
    // Runs in the page (this project's TypeScript has no DOM types: what it reads is typed here).
    type Box = { scrollWidth: number; clientWidth: number; scrollLeft: number; ownerDocument: { documentElement: { scrollWidth: number; clientWidth: number } } };
    type PageGlobals = { getComputedStyle: (element: Box) => { backgroundImage: string; backgroundAttachment: string } };
    const layout = () =>
      box.evaluate((element: Box) => {
        const style = (globalThis as unknown as PageGlobals).getComputedStyle(element);
        const root = element.ownerDocument.documentElement;
        return { hidden: element.scrollWidth - element.clientWidth, scrolled: element.scrollLeft, pageOverflow: root.scrollWidth - root.clientWidth, image: style.backgroundImage, attachment: style.backgroundAttachment };
      });
    // At 1280 px every column, the actions last, is in sight without scrolling.
    expect((await layout()).hidden, 'the payout table is wider than a laptop screen').toBeLessThanOrEqual(0);
    await tab.setViewportSize({ width: 390, height: 844 });
    const before = await layout();
    expect(before.pageOverflow, 'the page itself scrolls sideways').toBeLessThanOrEqual(0);
    expect(before.hidden, 'the table fits a tab: nothing to hint at').toBeGreaterThan(0);
    // Two white covers that move with the content over two shadows fixed to the box's edges.
    expect(before.image.match(/radial-gradient/g)).toHaveLength(2);
    expect(before.attachment).toMatch(/^local, local, scroll, scroll/);
    // The last column's button, out of sight at first, is reached by scrolling the box.
    await ben.getByRole('button', { name: 'Process', exact: true }).scrollIntoViewIfNeeded();
    expect((await layout()).scrolled).toBeGreaterThan(0);
    await harness.checkA11y(tab);
    expect(harness.problems(tab)).toEqual([]);
    await tab.close();
  });

  it('a period that ends before it starts is explained in the words of the filters, with no "Try again" that would fail the same way', async () => {
    await page.goto('/dashboard/admin/payouts?from=2026-12-07&to=2026-12-01');
    const refused = page.getByRole('alert').filter({ hasText: '“Requested until” is before “Requested from”' });
    await refused.waitFor();
    expect(await refused.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await harness.checkA11y(page);

    const french = await harness.newPage({ locale: 'fr-FR' });
    await harness.login(french, DEMO_ADMIN.email, { via: 'api' });
    await french.goto('/dashboard/admin/payouts?from=2026-12-07&to=2026-12-01');
    await french.getByRole('alert').filter({ hasText: '« Demandés jusqu’au » tombe avant « Demandés à partir du »' }).waitFor();
    expect(await french.getByRole('button', { name: 'Réessayer' }).count()).toBe(0);
    await french.close();
  });

  it("processes the demo's pending payout (Ben) after a confirmation and shows it paid", async () => {
    await page.goto('/dashboard/admin/payouts');
    await page.getByRole('heading', { level: 1, name: 'Payouts' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await page.getByRole('heading', { name: 'Pending' }).waitFor();
    await harness.checkA11y(page);

    const ben = payoutRow(page, 'Ben Okafor', '€100.00');
    await ben.getByRole('button', { name: 'Process', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Process this payout?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('€100.00');
    // The creator's balance beside the request is what remains besides it (the request is already reserved), and says so.
    await dialog.getByRole('term').filter({ hasText: /^Available besides this request$/ }).waitFor();
    await harness.checkA11y(page);
    // Cancel first: nothing is sent.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await payoutsOf(page.request, 'status=PENDING')).some((payout) => payout.creatorName === 'Ben Okafor')).toBe(true);

    await ben.getByRole('button', { name: 'Process', exact: true }).click();
    await dialog.getByLabel(/Notes/).fill('Paid from the browser test');
    await dialog.getByRole('button', { name: 'Process payout' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Ben Okafor, €100.00: Transferred', { exact: false }).waitFor();
    await ben.getByText('Paid', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await ben.getByRole('button', { name: 'Process', exact: true }).count()).toBe(0);

    const [paid] = (await payoutsOf(page.request, 'status=PAID')).filter((payout) => payout.creatorName === 'Ben Okafor');
    expect(paid?.requestedAmount).toBe(10_000);
    expect(harness.problems(page)).toEqual([]);
  });

  it('filters by status in the URL, and processes the selected payouts in bulk with each outcome', async () => {
    const anaNow = await creatorFacts(page.request, 'ana@demo.payouts.test');
    const benNow = await creatorFacts(page.request, 'ben@demo.payouts.test');
    const anaAmount = Math.floor(anaNow.lifetimeEarnings.netAmount / 10);
    const benAmount = Math.min(benNow.balances.available, Math.floor(benNow.lifetimeEarnings.netAmount / 10));
    anaFlaggedAmount = anaNow.balances.available - anaAmount;
    expect(benAmount).toBeGreaterThanOrEqual(100);
    expect(anaFlaggedAmount * 100).toBeGreaterThan(anaNow.lifetimeEarnings.netAmount * 15);
    const ana = await requestPayoutAs(page.request, platformKey, 'ana@demo.payouts.test', anaAmount);
    const ben = await requestPayoutAs(page.request, platformKey, 'ben@demo.payouts.test', benAmount);
    expect([ana.status, ben.status]).toEqual(['PENDING', 'PENDING']);

    await page.goto('/dashboard/admin/payouts');
    await page.getByLabel('Status').selectOption('PENDING');
    await page.waitForURL(/status=PENDING/);
    await payoutRow(page, 'Ana Lima', eur(anaAmount)).waitFor();
    const paidInTable = (on: Page) => on.getByRole('table').getByText('Paid', { exact: true }).count();
    await expect.poll(() => paidInTable(page)).toBe(0);

    // A copied link shows the same table.
    const copy = await harness.newPage();
    await harness.login(copy, DEMO_ADMIN.email, { via: 'api' });
    await copy.goto(new URL(page.url()).pathname + new URL(page.url()).search);
    await payoutRow(copy, 'Ana Lima', eur(anaAmount)).waitFor();
    expect(await copy.getByLabel('Status').inputValue()).toBe('PENDING');
    await expect.poll(() => paidInTable(copy)).toBe(0);

    await page.getByLabel(`Select the payout of ${eur(anaAmount)} to Ana Lima`).check();
    await page.getByLabel(`Select the payout of ${eur(benAmount)} to Ben Okafor`).check();
    await page.getByText('2 payouts selected').waitFor();
    await page.getByRole('button', { name: 'Process selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Process 2 payouts?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Process 2 payouts' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByText('2 of 2 payouts transferred').waitFor({ timeout: 20_000 });
    await page.getByText(`Ana Lima, ${eur(anaAmount)}: Transferred`).waitFor();
    await page.getByText(`Ben Okafor, ${eur(benAmount)}: Transferred`).waitFor();
    for (const payout of [ana, ben]) {
      const done = await waitForPayout(page.request, payout.id, (current) => current.status === 'PAID');
      expect(done.status).toBe('PAID');
    }
    await harness.checkA11y(page);
  });

  it('approval queue: rejecting without notes is refused (form and API), rejecting and approving with notes work', async () => {
    const flagged = await requestPayoutAs(page.request, platformKey, 'ana@demo.payouts.test', anaFlaggedAmount);
    const amount = eur(anaFlaggedAmount);
    const lifetime = eur((await creatorFacts(page.request, 'ana@demo.payouts.test')).lifetimeEarnings.netAmount);
    expect(flagged.status).toBe('PENDING_APPROVAL');

    await page.goto('/dashboard/admin/approvals');
    await page.getByRole('heading', { level: 1, name: 'Approval queue' }).waitFor();
    const row = payoutRow(page, 'Ana Lima', amount);
    await row.getByText('Large share of lifetime earnings').waitFor();
    await row.getByText('available besides this request:').waitFor();
    await row.getByRole('button', { name: /Review/ }).click();
    const context = page.getByRole('region', { name: 'Creator context' });
    await context.getByText('Lifetime earnings', { exact: true }).waitFor();
    await context.getByText(lifetime).first().waitFor();
    await context.getByRole('heading', { name: 'Payout history' }).waitFor();
    await context.getByRole('heading', { name: 'Disputes' }).waitFor();
    await harness.checkA11y(page);

    // Reject with no notes: the form refuses, and nothing reaches the service.
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('notes are required to reject').waitFor();
    expect(await page.getByLabel('Notes').getAttribute('aria-invalid')).toBe('true');
    expect((await waitForPayout(page.request, flagged.id, () => true)).status).toBe('PENDING_APPROVAL');
    // The API refuses it too.
    const refused = await page.request.post('/api/admin/payout-approval', { headers: { 'x-csrf-token': await csrfOf(page.request) }, data: { payoutId: flagged.id, action: 'reject' } });
    expect(refused.status()).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('PAYOUT_REASON_REQUIRED');
    await harness.checkA11y(page);

    await page.getByLabel('Notes').fill('Too soon after the last payout');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText(`Rejected the payout of ${amount} to Ana Lima`).waitFor();
    const rejected = await waitForPayout(page.request, flagged.id, (payout) => payout.status === 'CANCELLED');
    expect(rejected.reviewNotes).toBe('Too soon after the last payout');

    // Asked again, approved with notes: processed at once and paid by the sandbox.
    const again = await requestPayoutAs(page.request, platformKey, 'ana@demo.payouts.test', anaFlaggedAmount);
    expect(again.status).toBe('PENDING_APPROVAL');
    await page.reload();
    // The demo may have flagged payouts of its own, older in the queue: pick Ana's.
    await payoutRow(page, 'Ana Lima', amount).getByRole('button', { name: /Review/ }).click();
    await page.getByRole('heading', { name: `${amount} to Ana Lima` }).waitFor();
    await page.getByLabel('Notes').fill('Checked with the creator');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText(`Approved the payout of ${amount} to Ana Lima`).waitFor({ timeout: 20_000 });
    await expect.poll(() => payoutRow(page, 'Ana Lima', amount).count()).toBe(0);
    const approved = await waitForPayout(page.request, again.id, (payout) => payout.status === 'PAID');
    expect(approved.reviewNotes).toBe('Checked with the creator');
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('creators: lists both ids, onboarding and balances; adds a creator and shows the onboarding link', async () => {
    await page.goto('/dashboard/admin/creators');
    await page.getByRole('heading', { level: 1, name: 'Creators' }).waitFor();
    const chloe = page.getByRole('row').filter({ hasText: 'Chloé Martin' });
    await chloe.getByText(/^usr_/).waitFor();
    await chloe.getByText(/^cr_/).waitFor();
    await chloe.getByText('€207.00').waitFor();
    await harness.checkA11y(page);

    await page.getByLabel('Search creators').fill('ben@demo');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/search=ben%40demo|search=ben@demo/);
    await page.getByRole('row').filter({ hasText: 'Ben Okafor' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Chloé Martin' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Add creator' }).click();
    await page.getByText('Enter a name.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Dana Test');
    await page.getByLabel('Email', { exact: true }).fill('dana@example.test');
    await page.getByRole('button', { name: 'Add creator' }).click();
    await page.getByText('Dana Test was added.').waitFor({ timeout: 20_000 });
    const link = page.getByRole('link', { name: /^http/ });
    expect(await link.getAttribute('href')).toMatch(/^https?:\/\//);
    // How the new creator will get in: no password, so through the host platform (or a creator made with one on the CLI).
    await page.getByText(/They have no password: they see their dashboard inside your platform/).waitFor();
    await page.getByRole('code').filter({ hasText: 'npx payouts users create --role creator' }).waitFor();
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });
});
