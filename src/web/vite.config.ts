import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const serviceUrl = process.env.PAYOUTS_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

/**
 * The dashboards: built into dist/web (served by the service at `/`), or served by Vite with hot
 * reload in `npm run dev`, which proxies the API to a running service.
 */
export default defineConfig(({ command }) => {
  // A build is always the production build, even when started from a test run (NODE_ENV=test):
  // otherwise React's development build (twice the size, slower) would be served.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root,
    base: '/',
    plugins: [react(), tailwindcss()],
    build: {
      outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
      emptyOutDir: true,
      sourcemap: true,
      // The entry chunk is ~500 kB before compression (150 kB gzip, the figure that matters: bench/web-dashboards.ts).
      chunkSizeWarningLimit: 600,
    },
    server: {
      port: Number(process.env.WEB_DEV_PORT ?? 5173),
      // The app's own modules under src/web/api/ (`/api/client.ts`) share the prefix: Vite serves those.
      proxy: Object.fromEntries(
        ['/api', '/healthz', '/docs', '/openapi.json'].map((path) => [path, { target: serviceUrl, changeOrigin: false, bypass: (req) => (/^\/api\/[^?]*\.tsx?(\?|$)/.test(req.url ?? '') ? req.url : undefined) }]),
      ),
    },
  };
});
