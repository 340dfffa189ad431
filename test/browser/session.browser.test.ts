import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

/** A host platform's page on its own origin that frames whatever URL it is given. */
async function startHostPage(): Promise<{ origin: string; frame: (url: string) => void; close: () => Promise<void> }> {
  let framed = 'about:blank';
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="en"><title>Host platform</title><h1>Host platform</h1><iframe title="Payouts" src="${framed}" width="1000" height="700"></iframe></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, frame: (url) => (framed = url), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function fillLogin(page: Page, labels: { email: string; password: string; submit: string }, email: string, password: string): Promise<void> {
  await page.getByLabel(labels.email).fill(email);
  await page.getByLabel(labels.password).fill(password);
  await page.getByRole('button', { name: labels.submit }).click();
}

const EN = { email: 'Email', password: 'Password', submit: 'Sign in' };
const FR = { email: 'E-mail', password: 'Mot de passe', submit: 'Se connecter' };

describe.skipIf(!hasChromium)('signing in, out, embedded and expired (Chromium)', () => {
  let harness: BrowserHarness;
  let host: Awaited<ReturnType<typeof startHostPage>>;

  beforeAll(async () => {
    host = await startHostPage();
    harness = await startBrowserHarness({ env: { EMBED_ALLOWED_ORIGINS: host.origin } });
  });
  afterAll(async () => {
    await harness?.close();
    await host?.close();
  });

  it('signs a creator in with the form, in English, and sends them to their own home', async () => {
    const page = await harness.newPage();
    await page.goto('/dashboard/creator/payouts');
    await page.waitForURL(/\/login\?next=/);
    await harness.checkA11y(page);
    await fillLogin(page, EN, 'ana@demo.payouts.test', 'wrong password');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');
    await fillLogin(page, EN, 'ana@demo.payouts.test', 'payouts-demo');
    await page.waitForURL('**/dashboard/creator/payouts');
    // An admin page is not hers: she lands on her own.
    await page.goto('/dashboard/admin/payouts');
    await page.waitForURL('**/dashboard/creator/payouts');
    expect(harness.problems(page)).toEqual([]);
  });

  it('shows the login page in French with French labels, and an admin lands on the payout queue', async () => {
    const page = await harness.newPage({ locale: 'fr-FR' });
    await page.goto('/login');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe('Connexion à Payouts');
    await harness.checkA11y(page);
    await fillLogin(page, FR, 'admin@demo.payouts.test', 'payouts-demo');
    await page.waitForURL('**/dashboard/admin/payouts', { timeout: 10_000 });
    await page.getByRole('button', { name: 'Se déconnecter' }).click({ timeout: 10_000 });
    await page.waitForURL(/\/login\?reason=logged-out$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Vous êtes déconnecté.');
    // Signed out for real: the dashboard sends back to the login page.
    await page.goto('/dashboard/admin/payouts');
    await page.waitForURL(/\/login/);
  });

  it('shows a 429 on login as too many attempts', async () => {
    const page = await harness.newPage();
    await page.goto('/login');
    for (let attempt = 0; attempt < 11; attempt++) await fillLogin(page, EN, 'nobody@demo.payouts.test', `wrong-${attempt}`);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toContain('Too many attempts');
  });

  it('opens the creator dashboard in an iframe of an allowed origin from a user token, and drops the token from the URL', async () => {
    // The host platform's backend: an API key (made here by the admin), then a user token for Ana.
    const admin = await harness.newPage();
    await harness.login(admin, 'admin@demo.payouts.test', { via: 'api' });
    const me = await (await admin.request.get('/api/auth/me')).json();
    const csrf = { 'x-csrf-token': me.csrfToken as string };
    const created = await (await admin.request.post('/api/admin/api-keys', { headers: csrf, data: { role: 'PLATFORM', name: 'host platform (test)' } })).json();
    const creators = await (await admin.request.get('/api/admin/creators?search=ana')).json();
    const ana = (creators.data as { userId: string; email: string }[]).find((creator) => creator.email === 'ana@demo.payouts.test')!;
    const tokenReply = await admin.request.post('/api/auth/tokens', { headers: { authorization: `Bearer ${created.key}` }, data: { userId: ana.userId } });
    expect(tokenReply.status()).toBe(200);
    const { token } = await tokenReply.json();

    host.frame(`${harness.url}/embed?token=${encodeURIComponent(token)}`);
    const page = await harness.newPage();
    await page.goto(host.origin);
    const frame = page.frameLocator('iframe[title="Payouts"]');
    await frame.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 20_000 });
    const inner = page.frames().find((candidate) => candidate !== page.mainFrame())!;
    await expect.poll(() => new URL(inner.url()).pathname).toBe('/dashboard/creator/payouts');
    expect(inner.url()).not.toContain(token);
    expect(await inner.evaluate('window.location.href')).not.toContain('token=');
    await expect.poll(() => frame.getByText('Ana Lima').first().isVisible()).toBe(true);

    // A forged token, or none, says so instead of opening anything, and leaves no token in the address bar.
    const forged = await harness.newPage();
    await forged.goto(`/embed?token=${encodeURIComponent(token.slice(0, -4))}AAAA`);
    await expect.poll(() => forged.getByRole('alert').textContent()).toContain('expired or is not valid');
    expect(new URL(forged.url()).search).toBe('');
    const again = await harness.newPage();
    await again.goto('/embed');
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('no token');
  });

  it('sends a person whose session expired back to the login page, saying so', async () => {
    const page = await harness.newPage();
    await harness.login(page, 'ben@demo.payouts.test', { via: 'form' });
    await page.waitForURL('**/dashboard/creator/payouts');
    // 25 hours later the 24-hour session is over.
    const moved = await fetch(`${harness.url}/api/test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 25 * 3600 }) });
    expect(moved.status).toBe(200);
    await page.reload();
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your session has expired');
    await harness.checkA11y(page);
  });
});
