import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { buildApp, type App } from './app.js';
import { createLogger } from './logger.js';

const INDEX_HTML = '<!doctype html><html><head><title>Payouts test build</title><script type="module" src="/assets/index-4f2a9c.js"></script></head><body><div id="root"></div></body></html>';
const ASSET_JS = 'console.log("the dashboards");'.repeat(20);

/** A fake `vite build` output: index.html, a hashed asset and its gzip twin, a file from public/. */
function fakeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'payouts-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  writeFileSync(join(root, 'assets', 'index-4f2a9c.js'), ASSET_JS);
  writeFileSync(join(root, 'assets', 'index-4f2a9c.js.gz'), gzipSync(ASSET_JS));
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return root;
}

/** The CSP header as a map of directive → sources. */
function cspOf(header: string | string[] | number | undefined): Map<string, string[]> {
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

describe('the dashboards served by the service', () => {
  let database: Database;
  let app: App;
  let webRoot: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    webRoot = fakeBuild();
    const config = loadConfig({ NODE_ENV: 'test', EMBED_ALLOWED_ORIGINS: 'https://platform.example, https://*.creators.example:8443' });
    app = await buildApp({ config, database, logger: createLogger({ level: 'silent' }), webRoot });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/login',
    '/embed?token=abc',
    '/dashboard',
    '/dashboard/creator/payouts',
    '/dashboard/creator/payouts/po_123',
    '/dashboard/admin/approvals?status=PENDING',
    '/creator/onboarding/return?creatorId=cr_1',
    '/creator/onboarding/refresh?creatorId=cr_1',
    '/demo/tour',
  ])('answers the client route %s with index.html, revalidated on every load', async (url) => {
    const res = await app.inject({ url, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(INDEX_HTML);
  });

  it('serves hashed assets with a year-long immutable cache, precompressed when the browser accepts it', async () => {
    const plain = await app.inject({ url: '/assets/index-4f2a9c.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body).toBe(ASSET_JS);

    const gzipped = await app.inject({ url: '/assets/index-4f2a9c.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.statusCode).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gzipped.rawPayload.length).toBeLessThan(ASSET_JS.length);
  });

  it('serves other build files with no-cache, and index.html by its name too', async () => {
    const favicon = await app.inject({ url: '/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['cache-control']).toBe('no-cache');
    const index = await app.inject({ url: '/index.html' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    ['GET', '/api/nope'],
    ['GET', '/api/admin/nothing/here'],
    ['POST', '/api/nope'],
    ['GET', '/assets/missing-123.js'],
    ['GET', '/not-a-client-route'],
    ['POST', '/login'],
  ] as const)('keeps %s %s the JSON 404 of the API', async (method, url) => {
    const res = await app.inject({ method, url, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('leaves /healthz and /openapi.json as they were, and keeps the client routes out of the API document', async () => {
    const health = await app.inject({ url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
    const openapi = await app.inject({ url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    const paths = Object.keys((openapi.json() as { paths: Record<string, unknown> }).paths);
    expect(paths).toContain('/healthz');
    expect(paths.filter((path) => !path.startsWith('/api/') && !['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(path))).toEqual([]);
  });

  it('sends the security headers: a CSP with frame-ancestors from EMBED_ALLOWED_ORIGINS and no X-Frame-Options', async () => {
    const res = await app.inject({ url: '/dashboard/creator/payouts' });
    const csp = cspOf(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'self'", 'https://platform.example', 'https://*.creators.example:8443']);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('gives the API replies the same headers', async () => {
    const res = await app.inject({ url: '/api/nope' });
    expect(cspOf(res.headers['content-security-policy']).get('frame-ancestors')).toContain('https://platform.example');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps Swagger UI at /docs working under the CSP: only same-origin scripts, no inline one, each of them served', async () => {
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(cspOf(page.headers['content-security-policy']).get('script-src')).toEqual(["'self'"]);
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(body.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1];
      expect(src).toBeDefined();
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const script = await app.inject({ url: new URL(src ?? '', 'http://service/docs/').pathname });
      expect(script.statusCode).toBe(200);
    }
  });
});

describe('the dashboards before they are built', () => {
  let database: Database;
  let app: App;
  let webRoot: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    webRoot = join(mkdtempSync(join(tmpdir(), 'payouts-web-')), 'not-built-yet');
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database, logger: createLogger({ level: 'silent' }), webRoot });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    if (webRoot) rmSync(join(webRoot, '..'), { recursive: true, force: true });
  });

  it('answers a browser with a page that says how to build them', async () => {
    const res = await app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build');
  });

  it('answers anything else with the JSON error', async () => {
    const res = await app.inject({ url: '/dashboard/admin/payouts', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'WEB_APP_NOT_BUILT', message: expect.stringContaining('npm run build') } });
  });

  it('keeps the API and its 404s', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/api/nope' })).json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('serves a build made while the service runs', async () => {
    mkdirSync(webRoot);
    writeFileSync(join(webRoot, 'index.html'), INDEX_HTML);
    const res = await app.inject({ url: '/login' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX_HTML);
  });
});

describe('the embed page and the logs', () => {
  it('never writes the user token of /embed?token=… nor the unsubscribe token of /unsubscribe?token=… to a log, while other pages are logged', async () => {
    const lines: string[] = [];
    const destination = { write: (line: string) => void lines.push(line) };
    const database = await createTestDatabase();
    const webRoot = fakeBuild();
    const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database, logger: createLogger({ level: 'info', destination }), webRoot });
    try {
      const embed = await app.inject({ url: '/embed?token=eyJ.secret-user-token.sig', headers: { accept: 'text/html' } });
      expect(embed.statusCode).toBe(200);
      const unsubscribe = await app.inject({ url: '/unsubscribe?token=secret-unsubscribe-token.sig', headers: { accept: 'text/html' } });
      expect(unsubscribe.statusCode).toBe(200);
      const oneClick = await app.inject({ method: 'POST', url: '/api/notifications/unsubscribe?token=secret-unsubscribe-token.sig' });
      expect(oneClick.statusCode).toBe(400);
      const login = await app.inject({ url: '/login?next=%2Fdashboard', headers: { accept: 'text/html' } });
      expect(login.statusCode).toBe(200);
      expect(lines.join('\n')).not.toContain('secret-user-token');
      expect(lines.join('\n')).not.toContain('secret-unsubscribe-token');
      // Other pages are logged, by their path: query strings never reach the logs (docs/security.md).
      expect(lines.some((line) => line.includes('"/login"'))).toBe(true);
      expect(lines.join('\n')).not.toContain('next=');
    } finally {
      await app.close();
      await database.close();
      rmSync(webRoot, { recursive: true, force: true });
    }
  });
});
