#!/usr/bin/env node
// The `payouts` CLI. It runs the JavaScript bundle in dist/server that `npm run build` makes (npm
// install does it), when that bundle is newer than every source it was made of; otherwise — a
// checkout being edited, or never built — tsx compiles the TypeScript sources on the fly, which
// is slower to start but always current. PAYOUTS_FROM_SOURCE=1 forces the sources.
import v8 from 'node:v8';
import { serverBuildIsFresh } from './build-freshness.js';

if (process.argv[2] !== 'serve') {
  // A short command that opens the embedded database runs PGlite's WebAssembly for a fraction of a
  // second: V8's optimising compiler would start on its hot functions, then hold the exit ~0.1–0.2 s
  // for those compilations (bench/README.md "Start-up"). A higher tier-up budget keeps short
  // commands on the baseline compiler; a long one (a large `verify`, a sweep) still tiers up.
  v8.setFlagsFromString('--wasm-tiering-budget=100000000');
}

if (process.env.PAYOUTS_FROM_SOURCE !== '1' && serverBuildIsFresh()) {
  await import('../dist/server/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
