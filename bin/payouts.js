#!/usr/bin/env node
// The `payouts` CLI. It runs the JavaScript bundle in dist/server that `npm run build` makes (npm
// install does it), when that bundle is newer than every source it was made of; otherwise — a
// checkout being edited, or never built — tsx compiles the TypeScript sources on the fly, which
// is slower to start but always current. PAYOUTS_FROM_SOURCE=1 forces the sources.
import { serverBuildIsFresh } from './build-freshness.js';

if (process.env.PAYOUTS_FROM_SOURCE !== '1' && serverBuildIsFresh()) {
  await import('../dist/server/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
