import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { buildApp, type App } from './app.js';
import { createLogger } from './logger.js';

describe('buildApp', () => {
  let database: Database;
  let app: App;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp({ config: loadConfig({}), database, logger: createLogger({ level: 'silent' }) });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers GET /healthz with 200 {status: "ok"}', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  describe('request ids', () => {
    it('generates one per request and echoes it in x-request-id', async () => {
      const [a, b] = await Promise.all([app.inject({ url: '/healthz' }), app.inject({ url: '/healthz' })]);
      expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(b.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('honours a sane incoming x-request-id, on success and on error replies', async () => {
      const ok = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-7f3a.2024:abc_def' } });
      expect(ok.headers['x-request-id']).toBe('lb-7f3a.2024:abc_def');
      const notFound = await app.inject({ url: '/nope', headers: { 'x-request-id': 'trace-42' } });
      expect(notFound.statusCode).toBe(404);
      expect(notFound.headers['x-request-id']).toBe('trace-42');
      const badUrl = await app.inject({ url: '/%E0%A4%A', headers: { 'x-request-id': 'trace-43' } });
      expect(badUrl.statusCode).toBe(400);
      expect(badUrl.headers['x-request-id']).toBe('trace-43');
    });

    it.each([['has spaces in it'], ['x'.repeat(129)], ['<script>'], ['']])('replaces an insane incoming id %j', async (incoming) => {
      const res = await app.inject({ url: '/healthz', headers: { 'x-request-id': incoming } });
      expect(res.headers['x-request-id']).not.toBe(incoming);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('serves the OpenAPI 3.1 document at /openapi.json, built from the zod schemas', async () => {
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const document = JSON.parse(res.body) as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Payouts API');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics']));
    expect(Object.keys(document.paths).some((path) => path.startsWith('/docs') || path === '/openapi.json')).toBe(false);
    expect(document.paths['/healthz']).toMatchObject({
      get: { responses: { 200: { content: { 'application/json': { schema: { properties: { status: { enum: ['ok'] } } } } } } } },
    });
  });

  it('serves Swagger UI at /docs with its assets from this process (no CDN)', async () => {
    const page = await app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.body;
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asset, asset).not.toMatch(/^(https?:)?\/\//);
    for (const asset of assets.filter((a) => a.endsWith('.js') || a.endsWith('.css'))) {
      const res = await app.inject({ url: new URL(asset, 'http://localhost/docs/').pathname });
      expect(res.statusCode, asset).toBe(200);
    }
    const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    // Swagger UI's default online validator badge would call out to validator.swagger.io.
    expect(initializer.body).toContain('validatorUrl: null');
    expect(initializer.body).toContain("url: resolveUrl('./json')");
  });

  it('exposes Prometheus metrics with the request-duration histogram by route and status', async () => {
    await app.inject({ url: '/healthz' });
    await app.inject({ url: '/definitely/not/a/route/12345' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz",status_code="200"\} \d+/);
    expect(res.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status_code="404"\} \d+/);
    expect(res.body).not.toContain('/definitely/not');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('keeps metrics per app, so several apps live in one process', async () => {
    const other = await buildApp({ config: loadConfig({}), database, logger: createLogger({ level: 'silent' }) });
    try {
      await other.inject({ url: '/healthz' });
      await other.inject({ url: '/healthz' });
      const own = await other.inject({ url: '/metrics' });
      expect(own.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 2\n/);
    } finally {
      await other.close();
    }
  });
});
