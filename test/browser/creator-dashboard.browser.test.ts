import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/services/api-keys/create-api-key.js';
import { createUser } from '../../src/services/users/create-user.js';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

const ANA = 'ana@demo.payouts.test';
const CHLOE = 'chloe@demo.payouts.test';

interface Payment {
  bookingId: string | null;
  externalId: string;
  status: string;
  creatorAmount: number;
  allocatedAmount: number;
  remainingAmount: number;
}
interface BalanceReply {
  availableBalance: number;
  pendingBalance: number;
  reservedBalance: number;
  totalPaid: number;
  debt: number;
  currency: string;
  payments: { ready: Payment[]; held: Payment[]; paid: Payment[] };
  paymentCounts: { ready: number; held: number; paid: number };
  pendingPayoutRequests: Array<{ id: string; amount: number; status: string; origin: string }>;
}

/** An amount as a person reads it, written here with Intl directly (not the app's formatter), so a test can catch the app's mistake. */
function money(minor: number, locale: 'en' | 'fr'): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'fr-FR', { style: 'currency', currency: 'EUR' }).format(minor / 100);
}

/** Spaces of all kinds as one, so "1 234,56 €" matches whichever space Intl put in. */
function spaces(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

/** The text of an element, or '' when there is none (yet): for `expect.poll`, which must not hang on a missing element. */
async function textOf(locator: Locator): Promise<string> {
  return spaces((await locator.first().textContent({ timeout: 1_000 }).catch(() => null)) ?? '');
}

/** `expect.poll` with room for a busy machine (its default gives up after one second). */
function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 15_000, interval: 100 });
}

/** Seconds in an ISO 8601 duration `P1DT2H3M4S` (what the countdown's `<time dateTime>` carries). */
function durationSeconds(iso: string | null): number {
  const match = /^P(\d+)DT(\d+)H(\d+)M(\d+)S$/.exec(iso ?? '');
  if (!match) throw new Error(`not a countdown duration: ${iso}`);
  const [, days, hours, minutes, seconds] = match.map(Number) as [number, number, number, number, number];
  return days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
}

describe.skipIf(!hasChromium)('the creator dashboard in Chromium', () => {
  let harness: BrowserHarness;
  let adminKey: string;

  /** The service's API as an admin (an API key made for this file), for what the test sets up around the creator. */
  async function asAdmin(method: 'GET' | 'POST', url: string, payload?: object): Promise<{ statusCode: number; body: Record<string, unknown> }> {
    const reply = await harness.server.app.inject({ method, url, headers: { authorization: `Bearer ${adminKey}` }, ...(payload && { payload }) });
    return { statusCode: reply.statusCode, body: reply.json() };
  }

  async function advanceClock(seconds: number): Promise<void> {
    const reply = await harness.server.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceSeconds: seconds } });
    expect(reply.statusCode).toBe(200);
  }

  /** What the dashboard shows must be what the API says: read with the page's own session. */
  async function balanceOf(page: Page): Promise<BalanceReply> {
    const reply = await page.request.get('/api/payouts/request');
    expect(reply.status()).toBe(200);
    return (await reply.json()) as BalanceReply;
  }

  async function openDashboard(email: string, options: { locale?: string } = {}): Promise<Page> {
    const page = await harness.newPage(options);
    await harness.login(page, email);
    await eventually(() => new URL(page.url()).pathname).toBe('/dashboard/creator/payouts');
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page;
  }

  function card(page: Page, name: string): Locator {
    return page.getByRole('group', { name, exact: true });
  }

  beforeAll(async () => {
    harness = await startBrowserHarness();
    ({ key: adminKey } = await createApiKey(harness.server.database.db, { role: 'ADMIN', name: 'creator dashboard browser test', actor: 'test' }, { clock: harness.server.app.deps.clock }));
    // The demo's own payouts were requested a moment ago: past the 5 minutes between requests.
    await advanceClock(6 * 60);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('shows a creator the balances and lists of GET /api/payouts/request, a page at a time, with no serious accessibility problem', async () => {
    const page = await openDashboard(ANA);
    const balance = await balanceOf(page);

    await eventually(() => textOf(card(page, 'Available'))).toContain(money(balance.availableBalance, 'en'));
    expect(await card(page, 'Held').textContent()).toContain(money(balance.pendingBalance, 'en'));
    expect(await card(page, 'Reserved in requests').textContent()).toContain(money(balance.reservedBalance, 'en'));
    expect(await card(page, 'Total paid').textContent()).toContain(money(balance.totalPaid, 'en'));
    expect(await card(page, 'You owe').count()).toBe(balance.debt > 0 ? 1 : 0);

    for (const [list, name] of [
      ['ready', 'Ready payments'],
      ['paid', 'Paid payments'],
    ] as const) {
      const table = page.getByRole('table', { name });
      await table.waitFor();
      expect(await table.getByRole('columnheader').allTextContents()).toContain('Your share');
      const rows = table.getByRole('row');
      expect(await rows.count()).toBe(Math.min(10, balance.paymentCounts[list]) + 1);
      for (const payment of balance.payments[list].slice(0, 10)) {
        await eventually(() => table.getByRole('row', { name: new RegExp(payment.bookingId ?? payment.externalId) }).count()).toBe(1);
      }
    }
    // The demo's payout of 150.00 paid part of demo-ana-2: the ready list shows what is left of it, and adds up to Available.
    const split = balance.payments.ready.find((payment) => payment.allocatedAmount > 0);
    expect(split, 'the demo has a partly paid ready payment').toBeDefined();
    expect(balance.payments.ready.reduce((sum, payment) => sum + payment.remainingAmount, 0)).toBe(balance.availableBalance);
    const splitRow = page.getByRole('table', { name: 'Ready payments' }).getByRole('row', { name: new RegExp(split!.bookingId ?? split!.externalId) });
    expect(await textOf(splitRow)).toContain(money(split!.remainingAmount, 'en'));
    expect(await textOf(splitRow)).toContain(`left of ${money(split!.creatorAmount, 'en')} (${money(split!.allocatedAmount, 'en')} already in a payout)`);
    expect(await textOf(card(page, 'Available'))).toContain('Yours to request now.');
    expect(await page.getByRole('button', { name: 'Request payout' }).isDisabled()).toBe(false);
    await eventually(() => textOf(page.getByRole('region', { name: 'Stripe account' }))).toContain('connected and can receive payouts');
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('requests a payout: the field holds the available amount, the typed amount is sent in minor units, the request appears as pending', async () => {
    const page = await openDashboard(ANA);
    const before = await balanceOf(page);
    const amount = page.getByLabel('Amount', { exact: true });
    await eventually(() => amount.inputValue()).toBe((before.availableBalance / 100).toFixed(2));

    await amount.fill('12.50');
    const sent = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/payouts/request'));
    const replied = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/api/payouts/request'));
    await page.getByRole('button', { name: 'Request payout' }).click();
    expect((await sent).postDataJSON()).toEqual({ amount: 1250, currency: 'eur' });
    const reply = await replied;
    expect(reply.status()).toBe(201);
    const { payout } = (await reply.json()) as { payout: { id: string; status: 'PENDING' | 'PENDING_APPROVAL' } };

    const statusWords = payout.status === 'PENDING' ? 'Pending' : 'Awaiting approval';
    await eventually(() => page.getByRole('status').filter({ hasText: 'Your payout request of €12.50' }).count()).toBe(1);
    const open = page.getByRole('region', { name: 'Open requests' });
    await eventually(() => textOf(open.getByRole('listitem').first())).toContain('€12.50');
    expect(await open.getByRole('listitem').first().textContent()).toContain(statusWords);

    const after = await balanceOf(page);
    expect(after.availableBalance).toBe(before.availableBalance - 1250);
    expect(after.pendingPayoutRequests.map((request) => request.id)).toContain(payout.id);
    await eventually(() => textOf(card(page, 'Available'))).toContain(money(after.availableBalance, 'en'));
    await eventually(() => textOf(card(page, 'Reserved in requests'))).toContain(money(after.reservedBalance, 'en'));

    // A second request while this one is open would be refused: the form says so up front, the button is disabled.
    const blocked = 'You already have an open payout request: you can ask for another once it has been paid or cancelled.';
    const form = page.getByRole('form', { name: 'Request a payout' });
    await eventually(() => form.getByRole('button', { name: 'Request payout' }).isDisabled()).toBe(true);
    expect(await form.getAttribute('aria-describedby').then((id) => textOf(page.locator(`[id="${id}"]`)))).toBe(blocked);
    expect(await amount.getAttribute('aria-describedby')).toContain(await form.getAttribute('aria-describedby'));
    expect(await textOf(form.getByRole('status').filter({ hasText: 'already have an open' }))).toBe(blocked);
    expect(await textOf(card(page, 'Available'))).toContain('Yours to request once your open request is paid.');
    await harness.checkA11y(page);

    // The admin sends it; then, within 5 minutes of it, the wait left is the reason.
    if (payout.status === 'PENDING_APPROVAL') {
      expect((await asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'approve', notes: 'browser test' })).statusCode).toBe(200);
    }
    const processed = await asAdmin('POST', '/api/admin/payouts', { payoutId: payout.id });
    expect(processed.statusCode, JSON.stringify(processed.body)).toBe(200);
    await page.reload();
    await amount.waitFor();
    await amount.fill('5.00');
    await page.getByRole('button', { name: 'Request payout' }).click();
    await eventually(() => textOf(page.getByRole('alert'))).toMatch(/^Please wait \d+ minutes?(, \d+ seconds?)? before requesting another payout\.$/);
    expect(harness.problems(page)).toEqual([]);
  });

  it('requests a payout with the keyboard only', async () => {
    await advanceClock(6 * 60);
    const page = await openDashboard(ANA);
    const amount = page.getByLabel('Amount', { exact: true });
    await amount.waitFor();

    // From the top of the page, Tab until the Amount field has the focus.
    let presses = 0;
    while (!(await amount.evaluate((input) => input === (input as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement))) {
      await page.keyboard.press('Tab');
      presses += 1;
      if (presses > 40) throw new Error('Tab never reached the Amount field');
    }
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('7.25');
    await page.keyboard.press('Tab');
    const focusedButton = page.getByRole('button', { name: 'Request payout' });
    expect(await focusedButton.evaluate((button) => button === (button as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    const sent = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/payouts/request'));
    await page.keyboard.press('Enter');
    expect((await sent).postDataJSON()).toEqual({ amount: 725, currency: 'eur' });

    const open = page.getByRole('region', { name: 'Open requests' });
    await eventually(() => textOf(open.getByRole('listitem').first())).toMatch(/€7\.25.*(Pending|Awaiting approval)/);
    expect(harness.problems(page)).toEqual([]);
  });

  it('opens a payout statement from the history: payments covered with gross, fee, net and the part paid, status history, CSV', async () => {
    const page = await openDashboard(ANA);
    const history = page.getByRole('table', { name: 'Payout history' });
    await history.waitFor();
    const paidRow = history.getByRole('row').filter({ hasText: 'Paid' }).last();
    await paidRow.getByRole('link').click();
    await eventually(() => new URL(page.url()).pathname).toMatch(/^\/dashboard\/creator\/payouts\/po_/);
    const payoutId = new URL(page.url()).pathname.split('/').pop()!;

    const reply = await page.request.get(`/api/payouts/${payoutId}`);
    const { payout, statement } = (await reply.json()) as {
      payout: { amount: number };
      statement: { lines: Array<{ bookingId: string | null; paymentId: string; coveredAmount: number; netAmount: number }>; totals: { coveredAmount: number } };
    };
    await eventually(() => textOf(page.getByRole('heading', { level: 1 }))).toBe('Payout statement');
    const table = page.getByRole('table', { name: 'Payments covered' });
    await table.waitFor();
    for (const header of ['Booking', 'Customer paid', 'Platform fee', 'Your share', 'In this payout']) {
      expect(await table.getByRole('columnheader', { name: header, exact: true }).count()).toBe(1);
    }
    for (const line of statement.lines) {
      const row = table.getByRole('row', { name: new RegExp(line.bookingId ?? line.paymentId) });
      expect(await row.textContent()).toContain(money(line.coveredAmount, 'en'));
      if (line.coveredAmount !== line.netAmount) expect(await row.textContent()).toContain(`Part: ${money(line.coveredAmount, 'en')} of ${money(line.netAmount, 'en')}`);
    }
    expect(statement.totals.coveredAmount).toBe(payout.amount);
    expect(await table.getByRole('row', { name: /Total/ }).textContent()).toContain(money(payout.amount, 'en'));

    const historySteps = page.getByRole('region', { name: 'Status history' }).getByRole('listitem');
    expect(await historySteps.allTextContents()).toEqual([expect.stringContaining('You requested it'), expect.stringContaining('Transfer started'), expect.stringContaining('Paid to your Stripe account')]);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download statement (CSV)' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('payout_id,payment_id,booking_id,paid_at,gross_amount,fee_amount,net_amount,covered_amount,currency,released_at');
    expect(csv).toHaveLength(statement.lines.length + 2);
    expect(await page.getByRole('link', { name: 'Download history (CSV)' }).getAttribute('href')).toBe('/api/payouts/export.csv');

    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('pages through a long list 10 rows at a time, the page kept in the URL (a reload or a shared link shows it)', async () => {
    const { creator } = await harness.server.database.db.transaction((tx) =>
      createUser(
        tx,
        { email: 'busy-creator@browser.test', name: 'Busy Creator', role: 'CREATOR', password: 'busy-creator-password', creator: { holdingPeriodHours: 168 }, actor: 'test' },
        harness.server.app.deps,
      ),
    );
    for (let booking = 1; booking <= 12; booking += 1) {
      const id = `busy-booking-${String(booking).padStart(2, '0')}`;
      const recorded = await asAdmin('POST', '/api/payments', { creatorId: creator!.id, externalId: id, bookingId: id, amount: 1_000 + booking, currency: 'eur' });
      expect(recorded.statusCode, JSON.stringify(recorded.body)).toBe(201);
    }
    const page = await harness.newPage();
    await harness.login(page, 'busy-creator@browser.test', { password: 'busy-creator-password' });
    const held = page.getByRole('table', { name: 'Held payments' });
    const pages = page.getByRole('navigation', { name: 'Pages of Held payments' });
    await eventually(() => held.getByRole('row').count()).toBe(11);
    // Everything is held, nothing available: the form says so, the button is disabled, the card does not offer it.
    const form = page.getByRole('form', { name: 'Request a payout' });
    expect(await textOf(form.getByRole('status'))).toBe('Nothing is available to request yet: earnings become available when their holding period ends.');
    expect(await form.getByRole('button', { name: 'Request payout' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Amount', { exact: true }).getAttribute('aria-describedby')).toContain(await form.getAttribute('aria-describedby'));
    expect(await textOf(card(page, 'Available'))).toContain('Nothing to request for now.');
    expect(await textOf(pages)).toContain('1–10 of 12');

    await pages.getByRole('button', { name: 'Next' }).click();
    await eventually(() => held.getByRole('row').count()).toBe(3);
    expect(await textOf(pages)).toContain('11–12 of 12');
    expect(new URL(page.url()).searchParams.get('held')).toMatch(/\S/);
    // The last page: "Next" says it is unavailable but keeps the keyboard focus where it was.
    expect(await pages.getByRole('button', { name: 'Next' }).getAttribute('aria-disabled')).toBe('true');

    await page.reload();
    await eventually(() => held.getByRole('row').count()).toBe(3);
    await eventually(() => textOf(pages)).toContain('11–12 of 12');
    await pages.getByRole('button', { name: 'Previous' }).click();
    await eventually(() => held.getByRole('row').count()).toBe(11);
    expect(new URL(page.url()).searchParams.has('held')).toBe(false);
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('counts a held payment down to its release, second by second', async () => {
    const page = await openDashboard(CHLOE, { locale: 'fr-FR' });
    const held = page.getByRole('table', { name: 'Gains bloqués' });
    await held.waitFor();
    const countdown = held.getByRole('row').nth(1).locator('time');
    const first = durationSeconds(await countdown.getAttribute('datetime'));
    const firstText = await countdown.textContent();
    expect(first).toBeGreaterThan(0);
    expect(firstText).toMatch(/seconde/);
    await eventually(async () => durationSeconds(await countdown.getAttribute('datetime'))).toBeLessThanOrEqual(first - 2);
    expect(await countdown.textContent()).not.toBe(firstText);
    await harness.checkA11y(page);
  });

  it('in French: French labels, amounts as 1 234,56 €, and "12,50" requests 1250 minor units', async () => {
    // Give Chloé a large booking, then let every hold end, so that she has money to ask for.
    let page = await openDashboard(CHLOE, { locale: 'fr-FR' });
    const { user } = (await (await page.request.get('/api/auth/me')).json()) as { user: { creatorId: string } };
    const recorded = await asAdmin('POST', '/api/payments', { creatorId: user.creatorId, externalId: 'browser-test-big-booking', bookingId: 'browser-test-big', amount: 150_000, currency: 'eur' });
    expect(recorded.statusCode, JSON.stringify(recorded.body)).toBe(201);
    await page.reload();
    let balance = await balanceOf(page);
    const held = card(page, 'Bloqué');
    await eventually(() => textOf(held)).toContain(spaces(money(balance.pendingBalance, 'fr')));
    expect(balance.pendingBalance).toBeGreaterThanOrEqual(100_000);
    // "1 557,00 €": a narrow no-break space between thousands, a comma before the cents, the sign after.
    expect(spaces((await held.textContent()) ?? '')).toMatch(/\b\d{1,3} \d{3},\d{2} €/);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Mes paiements');

    await advanceClock(8 * 86_400);
    expect((await asAdmin('POST', '/api/cron/release-holds')).statusCode).toBe(200);
    // One open request per creator: the demo's, if it left one, is rejected (awaiting approval) or paid first.
    for (const open of balance.pendingPayoutRequests) {
      const closed =
        open.status === 'PENDING_APPROVAL'
          ? await asAdmin('POST', '/api/admin/payout-approval', { payoutId: open.id, action: 'reject', notes: 'browser test: make way for a new request' })
          : await asAdmin('POST', '/api/admin/payouts', { payoutId: open.id });
      expect(closed.statusCode, JSON.stringify(closed.body)).toBe(200);
    }
    await page.close();
    page = await openDashboard(CHLOE, { locale: 'fr-FR' });
    balance = await balanceOf(page);
    expect(balance.availableBalance).toBeGreaterThanOrEqual(100_000);

    const amount = page.getByLabel('Montant', { exact: true });
    await eventually(() => amount.inputValue()).toBe((balance.availableBalance / 100).toFixed(2).replace('.', ','));
    await eventually(() => textOf(card(page, 'Disponible'))).toContain(spaces(money(balance.availableBalance, 'fr')));

    await amount.fill('12,50');
    const sent = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/api/payouts/request'));
    await page.getByRole('button', { name: 'Demander un paiement' }).click();
    expect((await sent).postDataJSON()).toEqual({ amount: 1250, currency: 'eur' });
    await eventually(() => textOf(page.getByRole('status').filter({ hasText: 'Votre demande de paiement' }))).toContain('12,50 €');
    const open = page.getByRole('region', { name: 'Demandes en cours' });
    await eventually(() => textOf(open.getByRole('listitem'))).toMatch(/12,50 €.*En attente/);

    // In French too, a second request is not offered while one is open.
    const form = page.getByRole('form', { name: 'Demander un paiement' });
    await eventually(() => form.getByRole('button', { name: 'Demander un paiement' }).isDisabled()).toBe(true);
    expect(await textOf(form.getByRole('status').filter({ hasText: 'déjà une demande' }))).toBe(
      'Vous avez déjà une demande de paiement en cours : vous pourrez en faire une autre une fois celle-ci versée ou annulée.',
    );
    expect(await amount.getAttribute('aria-describedby')).toContain(await form.getAttribute('aria-describedby'));
    expect(await textOf(card(page, 'Disponible'))).toContain('Vous pourrez le demander une fois votre demande en cours versée.');
    await harness.checkA11y(page);

    // The demo's request rejected above is "Refusé" wherever Chloé sees it: in her history, and on
    // its statement, whose status history dates the rejection.
    const rejected = ((await asAdmin('GET', `/api/payouts?creatorId=${user.creatorId}`)).body.data as Array<{ id: string; explanation: { state: string } | null; cancelledAt: string | null }>).find((payout) => payout.explanation?.state === 'rejected');
    expect(rejected, 'the demo left Chloé a request awaiting approval, rejected above').toBeDefined();
    const history = page.getByRole('table', { name: 'Historique des paiements' });
    const row = history.getByRole('row').filter({ has: page.getByRole('link', { name: new RegExp(rejected!.id) }) });
    expect(await textOf(row)).toContain('Refusé');
    expect(await textOf(row)).not.toContain('Annulé');
    await row.getByRole('link').click();
    const steps = page.getByRole('region', { name: 'Historique du statut' }).getByRole('listitem');
    await eventually(() => textOf(steps.last())).toContain('Refusé par notre équipe');
    expect(await steps.last().locator('time').getAttribute('datetime')).toBe(rejected!.cancelledAt);
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('offers to continue Stripe onboarding: a fresh link from the service, then off to Stripe; the return and refresh pages say where the account stands', async () => {
    const db = harness.server.database.db;
    await db.transaction((tx) =>
      createUser(tx, { email: 'new-creator@browser.test', name: 'New Creator', role: 'CREATOR', password: 'new-creator-password', creator: {}, actor: 'test' }, harness.server.app.deps),
    );
    const page = await harness.newPage();
    await harness.login(page, 'new-creator@browser.test', { password: 'new-creator-password' });
    const stripe = page.getByRole('region', { name: 'Stripe account' });
    await eventually(() => textOf(stripe)).toContain('no Stripe account connected yet');
    await harness.checkA11y(page);

    // The link's reply is read on its way to the page: once the page has left for Stripe, its body is gone.
    let link: { url?: string } = {};
    await page.route('**/api/creators/me/onboarding-link', async (route) => {
      const response = await route.fetch();
      link = (await response.json()) as { url: string };
      await route.fulfill({ response });
    });
    const toStripe = page.waitForRequest((request) => request.isNavigationRequest() && request.url().includes('/_sandbox/onboarding/'));
    await stripe.getByRole('button', { name: 'Continue onboarding' }).click();
    expect((await toStripe).url()).toBe(link.url);

    // Ana's account is complete: back from Stripe it says so; a refresh link has nothing left to open.
    const ana = await openDashboard(ANA);
    await ana.goto('/creator/onboarding/return?creatorId=x');
    await eventually(() => textOf(ana.getByRole('heading', { level: 1 }))).toBe('Back from Stripe');
    await eventually(() => textOf(ana.getByRole('status').first())).toContain('Onboarding finished');
    expect(await ana.getByRole('link', { name: 'Go to my payouts' }).getAttribute('href')).toBe('/dashboard/creator/payouts');
    await harness.checkA11y(ana);
    await ana.goto('/creator/onboarding/refresh?creatorId=x');
    await eventually(() => textOf(ana.getByRole('status').first())).toContain('connected and can receive payouts');
    await harness.checkA11y(ana);
    expect(harness.problems(ana)).toEqual([]);
  });
});
