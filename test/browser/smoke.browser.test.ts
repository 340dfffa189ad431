import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startBrowserHarness, type BrowserHarness } from './harness.js';

/** A host platform's page on its own origin, framing the dashboards' `path` (filled in once the service runs). */
async function startHostPage(): Promise<{ origin: string; frame: (serviceUrl: string) => void; close: () => Promise<void> }> {
  let framed = 'about:blank';
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Host platform</title><h1>Host platform</h1><iframe title="Payouts" src="${framed}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    frame: (serviceUrl) => (framed = `${serviceUrl}/login`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The framed page once it has loaded or been refused: its URL tells which. */
async function framedUrl(page: Page): Promise<string> {
  const iframe = page.locator('iframe');
  await iframe.waitFor();
  const frame = await (await iframe.elementHandle())?.contentFrame();
  await frame?.waitForLoadState('load');
  return frame?.url() ?? '';
}

describe.skipIf(!hasChromium)('the dashboards in Chromium (smoke)', () => {
  let harness: BrowserHarness;
  let allowedHost: Awaited<ReturnType<typeof startHostPage>>;
  let otherHost: Awaited<ReturnType<typeof startHostPage>>;

  beforeAll(async () => {
    [allowedHost, otherHost] = await Promise.all([startHostPage(), startHostPage()]);
    harness = await startBrowserHarness({ env: { EMBED_ALLOWED_ORIGINS: allowedHost.origin } });
    allowedHost.frame(harness.url);
    otherHost.frame(harness.url);
  });

  afterAll(async () => {
    await harness?.close();
    await allowedHost?.close();
    await otherHost?.close();
  });

  it('shows the login page: a title, a heading, no CSP refusal or script error, no serious accessibility problem', async () => {
    const page = await harness.newPage();
    const response = await page.goto('/login');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.title()).toMatch(/\S/);
    await page.getByRole('heading').first().waitFor({ state: 'visible', timeout: 15_000 });
    await harness.checkA11y(page);
    expect(harness.problems(page)).toEqual([]);
  });

  it('has the demo seeded: its admin signs in through the login form and lands on a dashboard', async () => {
    const page = await harness.newPage();
    await harness.login(page, 'admin@demo.payouts.test');
    expect(new URL(page.url()).pathname).toMatch(/^\/dashboard\//);
    expect(harness.problems(page)).toEqual([]);
  });

  it('keeps Swagger UI at /docs working under the CSP', async () => {
    const page = await harness.newPage();
    await page.goto('/docs');
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 20_000 });
    expect(harness.problems(page)).toEqual([]);
  });

  it('lets an origin of EMBED_ALLOWED_ORIGINS frame the dashboards, and no other', async () => {
    const allowed = await harness.newPage();
    await allowed.goto(allowedHost.origin);
    expect(await framedUrl(allowed)).toBe(`${harness.url}/login`);

    const refused = await harness.newPage();
    await refused.goto(otherHost.origin);
    expect(await framedUrl(refused)).toMatch(/^chrome-error:/);
  });
});
