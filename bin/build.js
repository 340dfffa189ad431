#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): everything `npm start` serves from dist/.
//
//   server    src/ bundled to JavaScript by esbuild into dist/server (bin/payouts.js runs it instead of
//             compiling TypeScript on the fly with tsx, which took most of a CLI command's time)
//   template  an initialised and migrated embedded database in dist/pglite-template, which a fresh
//             DATA_DIR starts as a copy of (PGlite's initdb alone takes seconds)
//   web       the dashboards: `npm run web:build` (OpenAPI types, then vite build) into dist/web, with
//             .br and .gz twins of each asset for @fastify/static's preCompressed
//
// Usage: node bin/build.js [--if-stale] [server|template|web ...]
//   --if-stale  build a part only when it is missing or older than its sources (`npm start` does this)
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { dataDirTemplateIsFresh, installedPgliteVersion, paths, repoRoot, serverBuildIsFresh, webBuildIsFresh } from './build-freshness.js';

const parts = {
  server: { fresh: serverBuildIsFresh, build: buildServer },
  // After the server: it is made by the bundled `payouts migrate`.
  template: { fresh: dataDirTemplateIsFresh, build: buildDataDirTemplate },
  web: { fresh: webBuildIsFresh, build: buildWeb },
};

const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const chosen = args.filter((arg) => !arg.startsWith('--'));
for (const name of chosen) {
  if (!(name in parts)) {
    console.error(`build: unknown part "${name}"; the parts are ${Object.keys(parts).join(', ')}`);
    process.exit(2);
  }
}

mkdirSync(join(repoRoot, 'dist'), { recursive: true });
for (const [name, part] of Object.entries(parts)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  if (ifStale && part.fresh()) continue;
  const started = performance.now();
  console.log(`build: ${name}…`);
  await part.build();
  console.log(`build: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function buildServer() {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  // Built aside, then swapped in: a `payouts` started meanwhile finds the old bundle or none (then tsx), never half of one.
  const building = `${paths.server}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: ['src/cli/main.ts'],
    outdir: building,
    bundle: true,
    // Dependencies stay in node_modules: only our own code is bundled.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Each dynamic import (a CLI command, the HTTP stack) stays its own file, loaded when needed.
    splitting: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  // Every output sits in dist/server, two folders deep like src/<folder>/: the paths the sources
  // take relative to themselves (../../package.json, ../../drizzle, ../../dist/web) still hold.
  const inputs = Object.keys(result.metafile.inputs);
  writeFileSync(join(building, relative(paths.server, paths.serverManifest)), JSON.stringify({ builtAt, inputs }, null, 1));
  rmSync(paths.server, { recursive: true, force: true });
  renameSync(building, paths.server);
}

function buildDataDirTemplate() {
  const building = `${paths.dataDirTemplate}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const builtAt = Date.now();
  const env = { ...process.env, DATA_DIR: building, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  run(process.execPath, [join(repoRoot, 'bin/payouts.js'), 'migrate'], { env });
  writeFileSync(join(building, 'stamp.json'), JSON.stringify({ pglite: installedPgliteVersion(), builtAt }));
  rmSync(paths.dataDirTemplate, { recursive: true, force: true });
  renameSync(building, paths.dataDirTemplate);
}

function buildWeb() {
  const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts ?? {};
  if (scripts['web:build']) run('npm', ['run', 'web:build', '--silent']);
  else run(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts']);
  precompress(join(paths.web, 'assets'));
}

/** .br and .gz beside each text asset worth compressing, at the highest levels: done once, served many times. */
function precompress(directory) {
  let entries;
  try {
    entries = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of entries) {
    const file = join(directory, name);
    if (!/\.(js|css|svg|json|html|txt)$/.test(name) || statSync(file).size < 1024) continue;
    const content = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: repoRoot, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`build: \`${command} ${commandArgs.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    process.exit(1);
  }
}
