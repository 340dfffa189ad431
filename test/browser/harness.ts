import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { paths } from '../../bin/build-freshness.js';
import { startServer, type RunningServer } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_ADMIN } from '../../src/demo/seed-demo-data.js';
import { createLogger } from '../../src/http/logger.js';
import { checkA11y, type CheckA11yOptions } from './check-a11y.js';
import { CHROMIUM_ARGS } from './chromium.js';

/** Whether this run has a Chromium (test/browser/global-setup.ts): `describe.skipIf(!hasChromium)`. */
export const hasChromium: boolean = inject('chromiumPath') !== null;

export interface BrowserHarness {
  /** The service's base URL (`http://127.0.0.1:<port>`). */
  url: string;
  server: RunningServer;
  browser: Browser;
  /** A page in a fresh browser context (its own cookies) whose relative URLs go to the service. */
  newPage(options?: { locale?: string }): Promise<Page>;
  /**
   * Sign `page` in as `email` (default password: the demo's). `via: 'form'` (default) fills the
   * login page as a person does; `via: 'api'` posts to /api/auth/login from the page's context,
   * for tests about something else. Either way the page ends on the user's home.
   */
  login(page: Page, email: string, options?: { password?: string; via?: 'form' | 'api' }): Promise<void>;
  /** Fail on any serious or critical axe-core violation in the page as it is now. */
  checkA11y(page: Page, options?: CheckA11yOptions): Promise<void>;
  /** What went wrong in the page so far: uncaught errors and Content-Security-Policy refusals. */
  problems(page: Page): string[];
  close(): Promise<void>;
}

export interface BrowserHarnessOptions {
  /** More configuration for the service (e.g. `EMBED_ALLOWED_ORIGINS`), over the harness's. */
  env?: Record<string, string>;
}

/**
 * The real service for a browser test file, started as `npm start` starts it (`startServer`): the
 * demo seeded on a fresh database — embedded PGlite in a temporary DATA_DIR, or a new database on
 * the PostgreSQL server of DATABASE_URL — the in-process Stripe sandbox on a free port, the test
 * clock on, the dashboards from dist/web; and a headless Chromium to look at it.
 *
 * @example
 * const harness = await startBrowserHarness();
 * const page = await harness.newPage({ locale: 'fr-FR' });
 * await harness.login(page, 'chloe@demo.payouts.test');
 * await harness.checkA11y(page);
 * await harness.close();
 */
export async function startBrowserHarness(options: BrowserHarnessOptions = {}): Promise<BrowserHarness> {
  const executablePath = inject('chromiumPath');
  if (!executablePath) throw new Error('no Chromium: guard browser tests with describe.skipIf(!hasChromium)');
  const dataDir = mkdtempSync(join(tmpdir(), 'payouts-browser-'));
  const postgres = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : undefined;
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dataDir, { recursive: true, force: true })];
  if (postgres) cleanups.unshift(postgres.drop);
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      ...(postgres && { DATABASE_URL: postgres.url }),
      HOST: '127.0.0.1',
      PORT: '0',
      STRIPE_SANDBOX_PORT: '0',
      ENABLE_TEST_CLOCK: '1',
      // Off by default with DATABASE_URL; the database is new and empty either way.
      DEMO: '1',
      ...options.env,
    });
    const logger = createLogger({ level: process.env.BROWSER_TEST_LOG_LEVEL === 'info' ? 'info' : 'silent' });
    const server = await startServer(config, { logger, handleSignals: false, banner: false, webRoot: paths.web });
    cleanups.unshift(() => server.close());
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    cleanups.unshift(() => browser.close());
    return harnessFor(server, browser, async () => {
      for (const cleanup of cleanups) await cleanup();
    });
  } catch (error) {
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}

function harnessFor(server: RunningServer, browser: Browser, closeAll: () => Promise<void>): BrowserHarness {
  const url = server.url.replace(/\/$/, '');
  const contexts: BrowserContext[] = [];
  const problems = new WeakMap<Page, string[]>();
  return {
    url,
    server,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: url, locale: options.locale ?? 'en-US' });
      contexts.push(context);
      const page = await context.newPage();
      const seen: string[] = [];
      problems.set(page, seen);
      page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) seen.push(`CSP: ${message.text()}`);
      });
      return page;
    },
    async login(page, email, options = {}) {
      const password = options.password ?? DEMO_ADMIN.password;
      if (options.via === 'api') {
        const reply = await page.request.post('/api/auth/login', { data: { email, password } });
        if (!reply.ok()) throw new Error(`login as ${email}: ${reply.status()} ${await reply.text()}`);
        await page.goto('/');
      } else {
        await page.goto('/login');
        await page.locator('input[type="email"], input[name="email"]').first().fill(email);
        await page.locator('input[type="password"]').first().fill(password);
        await page.locator('form [type="submit"]').first().click();
      }
      await page.waitForURL((current) => !current.pathname.startsWith('/login'), { timeout: 15_000 });
    },
    checkA11y: (page, options) => checkA11y(page, options),
    problems: (page) => [...(problems.get(page) ?? [])],
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await closeAll();
    },
  };
}

/** A new, empty database on the server of `serverUrl`, for one test file; the service migrates it. */
async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `payouts_browser_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(serverUrl, async (admin) => void (await admin.query(`drop database if exists "${name}" with (force)`))),
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}
