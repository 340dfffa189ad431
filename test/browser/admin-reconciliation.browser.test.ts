import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Locator, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconciliationRuns } from '../../src/db/schema/index.js';
import { DEMO_ADMIN } from '../../src/demo/seed-demo-data.js';
import { createUser } from '../../src/services/users/create-user.js';
import { formatMoney } from '../../src/web/lib/money.js';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

/**
 * The reconciliation page (issue 14 §4, docs/reconciliation.md) in Chromium against the real
 * service and its Stripe sandbox, on the demo: differences made at Stripe behind the service's
 * back — a transfer made with the SDK outside the service (missing here) and a paid payout's
 * transfer whose amount the sandbox changes (mismatched) —, a run started from the page ("Reconcile
 * now", and its 409 while another run is going), the counts and items in words and money, accepting
 * a difference with a note (an empty one refused by the form), two admins accepting one difference,
 * the alert email's link opening its run, French, axe on the page and the dialog, a phone's width.
 *
 * The tests share one service and run in order: each leaves the runs as the next expects them.
 * `SCREENSHOTS=1` also writes docs/screenshots/admin-reconciliation*.png.
 */

interface ApiRun {
  id: string;
  status: 'running' | 'completed' | 'failed';
  counts: Record<'matched' | 'expected' | 'mismatched' | 'missing_here' | 'missing_at_stripe', number>;
  differences: number;
  stripeObjects: number;
  stripeRequests: number;
}

interface ApiItem {
  id: string;
  class: ApiRun['counts'] extends Record<infer K, number> ? K : never;
  stripeId: string | null;
  localType: string | null;
  localId: string | null;
  stripeAmount: string | null;
  localAmount: string | null;
  summary: string;
  acceptedBy: string | null;
  acceptNote: string | null;
}

interface ApiPayout {
  id: string;
  creatorName: string;
  requestedAmount: number;
  stripeAccountId: string | null;
  status: string;
}

const SECOND_ADMIN = { email: 'second-admin@reconciliation.test', password: 'second-admin-password' };
const SCREENSHOTS = process.env.SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : undefined;
const HAND_TRANSFER = 4_200;
const CHANGED_BY = 500;

const eur = (minor: number | string) => formatMoney(BigInt(minor), 'eur', 'en');
const eurFr = (minor: number | string) => formatMoney(BigInt(minor), 'eur', 'fr');

async function csrfOf(request: APIRequestContext): Promise<string> {
  return ((await (await request.get('/api/auth/me')).json()) as { csrfToken: string }).csrfToken;
}

async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
  const reply = await request.get(url);
  expect(reply.status(), `${url}: ${await reply.text()}`).toBe(200);
  return (await reply.json()) as T;
}

async function itemsOf(request: APIRequestContext, runId: string, query = ''): Promise<ApiItem[]> {
  return (await getJson<{ data: ApiItem[] }>(request, `/api/admin/reconciliation/runs/${runId}/items?limit=500${query}`)).data;
}

/** A reconciliation item as a person finds it on the page: the card named by its summary. */
function itemCard(page: Page, summary: string): Locator {
  return page.getByRole('article', { name: summary, exact: true });
}

/** A figure of the run: the value under its label (a class, or a fact such as "Requests to Stripe"). */
function figure(section: Locator, label: string): Locator {
  return section.locator('dl > div').filter({ has: section.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').first();
}

/** A field of an item card: the value under its label. */
function field(card: Locator, label: string): Locator {
  return card.locator('dl > div').filter({ has: card.page().locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** At a phone's width: no serious accessibility problem, and nothing wider than the screen. */
async function checkPhoneWidth(harness: BrowserHarness, page: Page, screenshotName?: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await harness.checkA11y(page);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, 'the page scrolls sideways on a phone').toBeLessThanOrEqual(0);
    if (screenshotName) await screenshot(page, screenshotName);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

describe.skipIf(!hasChromium)('reconciliation with Stripe, for admins (issue 14 §4)', () => {
  let harness: BrowserHarness;
  let page: Page;
  let myActor: string;
  /** The official SDK on the sandbox, as a person in the Stripe dashboard: not the service. */
  let outsider: Stripe;
  let sandboxUrl: string;
  /** The demo's pending payout, processed here; its transfer's amount then changed at Stripe. */
  let payout: ApiPayout & { transferId: string };
  let handTransfer: Stripe.Transfer;
  /** The run started from the page, and its two differences. */
  let run: ApiRun;
  let missingHere: ApiItem;
  let mismatched: ApiItem;
  let abandonedRunId: string;

  beforeAll(async () => {
    harness = await startBrowserHarness();
    page = await harness.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await harness.login(page, DEMO_ADMIN.email);
    myActor = ((await (await page.request.get('/api/auth/me')).json()) as { principal: { actor: string } }).principal.actor;
    await harness.server.database.db.transaction((tx) =>
      createUser(tx, { email: SECOND_ADMIN.email, name: 'Second Admin', role: 'ADMIN', password: SECOND_ADMIN.password, actor: 'test' }, harness.server.app.deps),
    );
    const service = harness.server.app.deps.stripe.stripe;
    const [protocol, host, port] = [service.getApiField('protocol'), service.getApiField('host'), service.getApiField('port')];
    sandboxUrl = `${protocol}://${host}:${port}`;
    outsider = new Stripe('sk_test_reconciliation_outsider', { protocol, host, port: Number(port), maxNetworkRetries: 0, telemetry: false });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('before any run it says so; "Reconcile now" while another run is going is refused in words (409)', async () => {
    await page.goto('/dashboard/admin/reconciliation');
    await page.getByRole('heading', { level: 1, name: 'Reconciliation with Stripe' }).waitFor();
    await page.getByText('No reconciliation has run yet.', { exact: false }).waitFor();
    await harness.checkA11y(page);

    // Another run is going (the daily job, say): its row is there, with a fresh heartbeat.
    const now = harness.server.app.deps.clock.now();
    const [running] = await harness.server.database.db
      .insert(reconciliationRuns)
      .values({ status: 'running', startedBy: 'system:reconcile', periodStart: new Date(now.getTime() - 2 * 86_400_000), periodEnd: now, startedAt: now, heartbeatAt: now })
      .returning();
    abandonedRunId = String(running!.id);
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    const refusal = page.getByText('A reconciliation is already running. Wait for it to finish: its results will show here.');
    await refusal.waitFor();
    // The list refreshed: the page now shows that run, running, started by the daily job.
    const shown = page.getByRole('region', { name: `Run ${abandonedRunId}`, exact: true });
    await shown.getByText('Running', { exact: true }).waitFor();
    await shown.getByText('Still running: this page looks again every few seconds.').waitFor();
    await shown.getByText(/ by the daily job$/).waitFor();
    await harness.checkA11y(page);

    // Its process died: the next start marks it failed. Here it is failed by hand, and the page, which looks again while a run is going, shows it.
    await harness.server.database.db
      .update(reconciliationRuns)
      .set({ status: 'failed', finishedAt: now, error: 'Abandoned: its process stopped before it finished' })
      .where(eq(reconciliationRuns.id, running!.id));
    await shown.getByText('Failed', { exact: true }).waitFor({ timeout: 15_000 });
    await shown.getByText('Abandoned: its process stopped before it finished').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await refusal.waitFor({ state: 'hidden' });
    expect(harness.problems(page)).toEqual([]);
  });

  it('"Reconcile now" finds what changed at Stripe: the counts per class in words, each difference with Stripe\'s id, our record, both amounts as money and what differs', async () => {
    // 1. The demo's pending payout, processed: a transfer of ours, whose amount then changes at Stripe.
    const csrf = await csrfOf(page.request);
    const pending = (await getJson<{ data: ApiPayout[] }>(page.request, '/api/admin/payouts?status=PENDING&limit=50')).data[0];
    expect(pending, 'the demo has a pending payout').toBeDefined();
    const processed = await page.request.post('/api/admin/payouts', { headers: { 'x-csrf-token': csrf }, data: { payoutId: pending!.id } });
    expect(processed.status(), await processed.text()).toBe(200);
    const { transferId } = (await processed.json()) as { transferId: string };
    expect(transferId).toMatch(/^tr_/);
    payout = { ...pending!, transferId };
    const changed = await fetch(`${sandboxUrl}/_sandbox/objects/${transferId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: payout.requestedAmount + CHANGED_BY }),
    });
    expect(changed.status, await changed.text()).toBe(200);
    // 2. A transfer made by hand in the Stripe dashboard, to the same creator: the service never heard of it.
    handTransfer = await outsider.transfers.create({ amount: HAND_TRANSFER, currency: 'eur', destination: payout.stripeAccountId! });

    await page.goto('/dashboard/admin/reconciliation');
    await page.getByRole('region', { name: `Run ${abandonedRunId}`, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    await page.getByText(/^Reconciled: \d+ differences? with Stripe\.$/).waitFor({ timeout: 30_000 });
    await page.waitForURL((url) => url.searchParams.has('run') && url.searchParams.get('run') !== abandonedRunId);
    const runId = new URL(page.url()).searchParams.get('run')!;
    run = await getJson<ApiRun>(page.request, `/api/admin/reconciliation/runs/${runId}`);
    expect(run).toMatchObject({ status: 'completed' });
    expect(run.counts.mismatched).toBeGreaterThanOrEqual(1);
    expect(run.counts.missing_here).toBeGreaterThanOrEqual(1);
    await page.getByText(`Reconciled: ${run.differences} differences with Stripe.`).waitFor();

    const items = await itemsOf(page.request, run.id);
    missingHere = items.find((item) => item.stripeId === handTransfer.id)!;
    mismatched = items.find((item) => item.stripeId === transferId)!;
    expect(missingHere).toMatchObject({ class: 'missing_here', localId: null, stripeAmount: String(HAND_TRANSFER) });
    expect(mismatched).toMatchObject({ class: 'mismatched', localType: 'payout', localId: payout.id, stripeAmount: String(payout.requestedAmount + CHANGED_BY), localAmount: String(payout.requestedAmount) });

    // The run: status, period, counts per class in words, what it cost at Stripe.
    const summary = page.getByRole('region', { name: `Run ${run.id}`, exact: true });
    await summary.getByText('Completed', { exact: true }).waitFor();
    await summary.getByText(`${run.differences} differences`, { exact: true }).waitFor();
    await summary.getByText(/^Period$/).waitFor();
    for (const [label, key] of [
      ['Matched', 'matched'],
      ['Expected', 'expected'],
      ['Mismatched', 'mismatched'],
      ['Missing here', 'missing_here'],
      ['Missing at Stripe', 'missing_at_stripe'],
    ] as const) {
      expect(await figure(summary, label).textContent(), label).toBe(String(run.counts[key]));
    }
    expect(await figure(summary, 'Stripe objects compared').textContent()).toBe(String(run.stripeObjects));
    expect(await figure(summary, 'Requests to Stripe').textContent()).toBe(String(run.stripeRequests));
    await summary.getByText(/ by you$/).waitFor();

    // The runs to pick from: this one marked as shown, the failed one a link away.
    const runs = page.getByRole('list', { name: 'Reconciliation runs, newest first' });
    expect(await runs.getByRole('link').count()).toBe(2);
    expect(await runs.getByRole('link', { name: new RegExp(`^Run ${run.id}\\b`) }).getAttribute('aria-current')).toBe('true');

    // Open differences by default: the two made above, each in words and money.
    expect(await page.getByLabel('Show').inputValue()).toBe('open');
    const list = page.getByRole('list', { name: `Items of run ${run.id}` });
    await expect.poll(() => list.getByRole('article').count()).toBe(run.differences);
    const hand = itemCard(page, missingHere.summary);
    await hand.getByText('Missing here', { exact: true }).waitFor();
    await hand.getByText('Transfer', { exact: true }).waitFor();
    expect(await field(hand, 'Stripe id').textContent()).toContain(handTransfer.id);
    expect(await field(hand, 'Our record').textContent()).toBe('None in our books');
    expect(await field(hand, 'At Stripe').textContent()).toContain(eur(HAND_TRANSFER));
    expect(await field(hand, 'What differs').textContent()).toBe('Not in our books');
    const changedCard = itemCard(page, mismatched.summary);
    await changedCard.getByText('Mismatched', { exact: true }).waitFor();
    expect(await field(changedCard, 'Stripe id').textContent()).toContain(transferId);
    expect(await field(changedCard, 'Our record').textContent()).toContain(`Payout${payout.id}`);
    expect(await field(changedCard, 'At Stripe').textContent()).toContain(eur(payout.requestedAmount + CHANGED_BY));
    expect(await field(changedCard, 'Here').textContent()).toContain(eur(payout.requestedAmount));
    expect(await field(changedCard, 'What differs').textContent()).toBe('Amount');
    expect(await field(changedCard, 'How they were paired').textContent()).toBe('By Stripe id');
    await changedCard.getByRole('button', { name: 'Accept' }).waitFor();
    await harness.checkA11y(page);
    await screenshot(page, 'admin-reconciliation');

    // The filter lives in the URL: matched items, then back to the open differences.
    await page.getByLabel('Show').selectOption('matched');
    await page.waitForURL((url) => url.searchParams.get('show') === 'matched' && url.searchParams.get('run') === run.id);
    // Until the matched items arrive, the open differences stay on screen (dimmed): count the matched cards.
    await expect.poll(() => list.getByRole('article').filter({ has: page.getByText('Matched', { exact: true }) }).count()).toBe(Math.min(run.counts.matched, 25));
    expect(await list.getByRole('article').count()).toBe(Math.min(run.counts.matched, 25));
    expect(await list.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    await page.getByLabel('Show').selectOption('open');
    await page.waitForURL((url) => !url.searchParams.has('show'));
    await expect.poll(() => list.getByRole('button', { name: 'Accept' }).count()).toBe(run.differences);
    await checkPhoneWidth(harness, page, 'admin-reconciliation-phone');
    expect(harness.problems(page)).toEqual([]);
  });

  it('accepts a difference with a note: an empty note is refused by the form (and by the API); once accepted it leaves the open differences and keeps who and why', async () => {
    const hand = itemCard(page, missingHere.summary);
    await hand.getByRole('button', { name: 'Accept' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accept this difference' });
    await dialog.waitFor();
    await dialog.getByText(missingHere.summary).waitFor();
    await dialog.getByRole('button', { name: 'Accept difference' }).click();
    await dialog.getByText('A note is required: say why this difference is right.').waitFor();
    const note = dialog.getByLabel('Why is it right?');
    expect(await note.getAttribute('aria-invalid')).toBe('true');
    const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id);
    expect(focused, 'the note has the focus').toBe(await note.getAttribute('id'));
    await harness.checkA11y(page);
    await screenshot(page, 'admin-reconciliation-accept');
    const refused = await page.request.post(`/api/admin/reconciliation/items/${missingHere.id}/accept`, { headers: { 'x-csrf-token': await csrfOf(page.request) }, data: { note: '  ' } });
    expect([refused.status(), ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([400, 'RECONCILIATION_NOTE_REQUIRED']);
    expect((await itemsOf(page.request, run.id, '&open=true')).map((item) => item.id)).toContain(missingHere.id);

    await note.fill('Bonus paid by hand in the Stripe dashboard, agreed with finance');
    expect(await note.getAttribute('aria-invalid')).toBeNull();
    await dialog.getByRole('button', { name: 'Accept difference' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Difference accepted: its alert is resolved.').waitFor();
    await hand.waitFor({ state: 'detached' });
    const list = page.getByRole('list', { name: `Items of run ${run.id}` });
    await expect.poll(() => list.getByRole('article').count()).toBe(run.differences - 1);
    expect((await itemsOf(page.request, run.id, '&class=missing_here')).find((item) => item.id === missingHere.id)).toMatchObject({
      acceptedBy: myActor,
      acceptNote: 'Bonus paid by hand in the Stripe dashboard, agreed with finance',
    });

    await page.getByLabel('Show').selectOption('missing_here');
    await hand.getByText('Accepted', { exact: true }).waitFor();
    await hand.getByText(/^Accepted by you on /).waitFor();
    await hand.getByText('Bonus paid by hand in the Stripe dashboard, agreed with finance').waitFor();
    expect(await hand.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('two admins accept one difference: the second is told in words that the first got there first (409)', async () => {
    const second = await harness.newPage();
    await second.setViewportSize({ width: 1280, height: 900 });
    await harness.login(second, SECOND_ADMIN.email, { password: SECOND_ADMIN.password });
    await second.goto(`/dashboard/admin/reconciliation?run=${run.id}`);
    await page.goto(`/dashboard/admin/reconciliation?run=${run.id}`);

    const theirs = itemCard(second, mismatched.summary);
    await theirs.getByRole('button', { name: 'Accept' }).click();
    const theirDialog = second.getByRole('dialog', { name: 'Accept this difference' });
    await theirDialog.getByLabel('Why is it right?').fill('Stripe rounded it');

    await itemCard(page, mismatched.summary).getByRole('button', { name: 'Accept' }).click();
    const mine = page.getByRole('dialog', { name: 'Accept this difference' });
    await mine.getByLabel('Why is it right?').fill('Corrected at Stripe by support');
    await mine.getByRole('button', { name: 'Accept difference' }).click();
    await page.getByText('Difference accepted: its alert is resolved.').waitFor();

    await theirDialog.getByRole('button', { name: 'Accept difference' }).click();
    await theirDialog.waitFor({ state: 'hidden' });
    await second.getByText(`Another admin got there first: this difference was already accepted by ${myActor}. The list shows it as it is now.`).waitFor();
    await theirs.waitFor({ state: 'detached' });
    expect((await itemsOf(page.request, run.id, '&class=mismatched')).find((item) => item.id === mismatched.id)).toMatchObject({ acceptedBy: myActor, acceptNote: 'Corrected at Stripe by support' });
    await harness.checkA11y(second);
    expect(harness.problems(second)).toEqual([]);
  });

  it("the alert email's link opens its run, and another run is picked from the list", async () => {
    // The difference alert emailed to the admins links to /dashboard/admin/reconciliation?run=<id>.
    const linkOf = async () => {
      const emails = (await getJson<{ data: { topic: string | null; text: string }[] }>(page.request, `/api/admin/mailbox?limit=100&to=${encodeURIComponent(DEMO_ADMIN.email)}`)).data;
      const email = emails.find((candidate) => candidate.topic === 'alert.reconciliation_difference');
      return email?.text.match(/https?:\/\/\S+\/dashboard\/admin\/reconciliation\?run=\d+/)?.[0];
    };
    await expect.poll(linkOf, { timeout: 20_000 }).toBeDefined();
    const link = new URL((await linkOf())!);
    expect(link.searchParams.get('run')).toBe(run.id);

    const other = await harness.newPage();
    await other.setViewportSize({ width: 1280, height: 900 });
    await harness.login(other, DEMO_ADMIN.email, { via: 'api' });
    await other.goto(link.pathname + link.search);
    await other.getByRole('region', { name: `Run ${run.id}`, exact: true }).getByText('Completed', { exact: true }).waitFor();

    await other.getByRole('link', { name: new RegExp(`^Run ${abandonedRunId}\\b`) }).click();
    await other.waitForURL((url) => url.searchParams.get('run') === abandonedRunId);
    const failed = other.getByRole('region', { name: `Run ${abandonedRunId}`, exact: true });
    await failed.getByText('Failed', { exact: true }).waitFor();
    await failed.getByText('Abandoned: its process stopped before it finished').waitFor();
    await other.getByText('No open difference in this run.').waitFor();
    await harness.checkA11y(other);
    expect(harness.problems(other)).toEqual([]);
  });

  it('speaks French: words, classes, buttons, amounts (1 234,56 € style)', async () => {
    const french = await harness.newPage({ locale: 'fr-FR' });
    await french.setViewportSize({ width: 1280, height: 900 });
    await harness.login(french, DEMO_ADMIN.email, { via: 'api' });
    await french.goto('/dashboard/admin/payouts');
    await french.getByRole('link', { name: 'Rapprochement', exact: true }).click();
    await french.getByRole('heading', { level: 1, name: 'Rapprochement avec Stripe' }).waitFor();
    await french.getByRole('button', { name: 'Rapprocher maintenant' }).waitFor();
    const summary = french.getByRole('region', { name: `Rapprochement n° ${run.id}`, exact: true });
    await summary.getByText('Terminé', { exact: true }).waitFor();
    expect(await figure(summary, 'Discordant').textContent()).toBe(String(run.counts.mismatched));
    expect(await figure(summary, 'Absent chez nous').textContent()).toBe(String(run.counts.missing_here));
    await figure(summary, 'Absent chez Stripe').waitFor();

    await french.getByLabel('Afficher').selectOption('mismatched');
    const card = itemCard(french, mismatched.summary);
    await card.getByText('Discordant', { exact: true }).waitFor();
    await card.getByText('Accepté', { exact: true }).waitFor();
    expect(await field(card, 'Chez Stripe').textContent()).toContain(eurFr(payout.requestedAmount + CHANGED_BY));
    expect(await field(card, 'Chez nous').textContent()).toContain(eurFr(payout.requestedAmount));
    expect(await field(card, 'Ce qui diffère').textContent()).toBe('Montant');
    await card.getByText(/^Accepté par vous le /).waitFor();
    await harness.checkA11y(french);
    await screenshot(french, 'admin-reconciliation-fr');
    expect(harness.problems(french)).toEqual([]);
  });
});
