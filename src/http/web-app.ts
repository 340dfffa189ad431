import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors/index.js';

/**
 * Where `npm run build` puts the dashboards (src/web/vite.config.ts). Relative to this module, which
 * sits two folders deep both as source (src/http/) and bundled (dist/server/).
 */
export const defaultWebRoot = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * The client-side routes of the dashboards (react-router in src/web): each answers index.html, and the
 * app draws the page. Any other unknown path stays the API's JSON 404, so a mistyped `/api/…` never
 * gets an HTML page with a 200.
 */
export const clientRoutes = ['/', '/login', '/embed', '/unsubscribe', '/dashboard', '/dashboard/*', '/creator/onboarding/*', '/demo', '/demo/*'] as const;

/** Vite names every file in assets/ by a hash of its content: a new build means new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface WebAppOptions {
  /** The built dashboards: `index.html` and hashed files in `assets/`. Default {@link defaultWebRoot}. */
  root?: string;
  /** Origins whose pages may frame the dashboards (EMBED_ALLOWED_ORIGINS), besides the service's own. */
  embedAllowedOrigins: readonly string[];
}

/**
 * The Content-Security-Policy of every reply. Scripts only from this origin (the Vite build has no
 * inline script); styles from this origin plus inline `style` attributes, which Radix (positioning)
 * and recharts set at run time; the API on this origin only. `frame-ancestors` lets the host
 * platforms of EMBED_ALLOWED_ORIGINS embed the dashboards. No `upgrade-insecure-requests`: the
 * service also runs on plain http://localhost, where it would break every asset.
 */
export function contentSecurityPolicy(embedAllowedOrigins: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'", ...embedAllowedOrigins],
  };
}

/**
 * Serve the built dashboards from this process (`@fastify/static`) with security headers on every
 * reply (`@fastify/helmet`). Hashed files in `/assets/` are cached for a year; `index.html` is
 * revalidated on every load, so a new build reaches people at once. When the build is missing, the
 * dashboard routes answer 503 with how to build it (HTML for a browser, the JSON error otherwise).
 *
 * Called on the root instance before any route, so the headers apply to every route, including
 * Swagger UI at /docs (whose page loads only its own scripts and styles).
 *
 * @example
 * await registerWebApp(app, { embedAllowedOrigins: config.web.embedAllowedOrigins });
 * await app.inject('/dashboard/creator/payouts'); // 200, index.html, cache-control: no-cache
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  const root = options.root ?? defaultWebRoot;
  const assets = join(root, 'assets') + sep;
  const indexFile = join(root, 'index.html');

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options.embedAllowedOrigins) },
    // X-Frame-Options knows only DENY and SAMEORIGIN: it would forbid the embedding that frame-ancestors allows.
    frameguard: false,
    // An embedded dashboard opens Stripe's onboarding in a new tab: a strict referrer is enough there.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });

  // Pages and their files are public: a stale session cookie must not turn index.html or a script
  // into a 401 (the app itself finds out, through the API, that the session is over, and says so).
  await app.register(async (pages) => {
    pages.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), authentication: 'ignore' } as typeof route.config;
    });
    await pages.register(fastifyStatic, {
      root,
      prefix: '/',
      // index.html only through the client routes below, with its no-cache header; no directory listing.
      index: false,
      cacheControl: false,
      // Checked per request instead (`webAppNotBuilt`): the build may appear after the service started.
      suppressWarning: true,
      // bin/build.js writes .br and .gz beside each asset; the smallest one the browser accepts is sent.
      preCompressed: true,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : 'no-cache');
      },
    });

    const serveIndex = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!existsSync(indexFile)) return webAppNotBuilt(request, reply, root);
      return reply.sendFile('index.html');
    };
    // `/embed?token=…` (a user token) and `/unsubscribe?token=…` carry a credential in their address: their request lines are not logged (only
    // warnings and errors are), so the token never reaches a log. The page drops it from the URL at once.
    for (const url of clientRoutes) pages.get(url, { schema: { hide: true }, ...((url === '/embed' || url === '/unsubscribe') && { logLevel: 'warn' }) }, serveIndex);
  });
}

const HOW_TO_BUILD = 'The dashboards are not built yet: run `npm run build` (npm install does it too), then reload.';

/** 503 with how to build: a page for a browser, the API's JSON error for anything else. */
function webAppNotBuilt(request: FastifyRequest, reply: FastifyReply, root: string): FastifyReply {
  if (!(request.headers.accept ?? '').includes('text/html')) {
    throw new AppError('WEB_APP_NOT_BUILT', `${HOW_TO_BUILD} (looked for ${join(root, 'index.html')})`, { kind: 'unavailable' });
  }
  const page = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payouts: dashboards not built</title></head>',
    '<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">',
    '<h1>The dashboards are not built yet</h1>',
    '<p>Run <code>npm run build</code> in the checkout (<code>npm install</code> does it too), then reload this page.</p>',
    '<p>The API works meanwhile: <a href="/docs">API reference</a>, <a href="/healthz">/healthz</a>.</p>',
    '</body></html>',
  ].join('\n');
  return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
}
