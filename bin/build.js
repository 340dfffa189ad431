#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): everything `npm start` serves from dist/.
//
//   server    src/ and most dependencies bundled to JavaScript by esbuild into dist/server
//             (bin/payouts.js runs it instead of compiling TypeScript on the fly with tsx, which took
//             most of a CLI command's time)
//   template  an embedded database as the service leaves it before any data (initialised, migrated,
//             pg-boss's schema installed) in dist/pglite-template, which a fresh DATA_DIR starts as a
//             copy of: PGlite's initdb, the migrations and pg-boss's schema take seconds
//   web       the dashboards: `npm run web:build` (OpenAPI types, then vite build) into dist/web, with
//             .br and .gz twins of each asset for @fastify/static's preCompressed
//
// Usage: node bin/build.js [--if-stale] [--keep-going] [server|template|web ...]
//   --if-stale    build a part only when it is missing or older than its sources (`npm start` does this)
//   --keep-going  when a part fails, say so and go on with the others, exit 0 (`npm start`: a broken web
//                 build must not keep the API from starting; the service serves the previous build)
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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
const keepGoing = args.includes('--keep-going');
const chosen = args.filter((arg) => !arg.startsWith('--'));
for (const name of chosen) {
  if (!(name in parts)) {
    console.error(`build: unknown part "${name}"; the parts are ${Object.keys(parts).join(', ')}`);
    process.exit(2);
  }
}

linkCommand();
mkdirSync(join(repoRoot, 'dist'), { recursive: true });
for (const [name, part] of Object.entries(parts)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  if (ifStale && part.fresh()) continue;
  const started = performance.now();
  console.log(`build: ${name}…`);
  try {
    await part.build();
  } catch (error) {
    console.error(`build: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!keepGoing) process.exit(1);
    console.error(`build: going on without a new ${name} build (npm run build shows the error again)`);
    continue;
  }
  console.log(`build: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * `npx payouts …` runs node_modules/.bin/payouts as soon as it finds it. package.json declares no
 * `bin` on purpose: for a project's own bin, npm 11's npx first loads the whole dependency tree
 * (Arborist, twice), which cost about 0.6 s before every command. The link is made here, on every
 * `npm install` / `npm ci` (through `prepare`) and `npm start`.
 */
function linkCommand() {
  const bin = join(repoRoot, 'node_modules', '.bin');
  const link = join(bin, 'payouts');
  const target = relative(bin, join(repoRoot, 'bin', 'payouts.js'));
  try {
    if (readlinkSync(link) === target) return;
    rmSync(link, { force: true });
  } catch {
    // absent, or not a link: made below
  }
  try {
    mkdirSync(bin, { recursive: true });
    rmSync(link, { force: true });
    symlinkSync(target, link);
  } catch (error) {
    console.error(`build: could not link node_modules/.bin/payouts (${error instanceof Error ? error.message : String(error)}); run the CLI as ./bin/payouts.js`);
  }
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
    // Dependencies are bundled too: Node 20 has no compile cache, and resolving and reading a few
    // hundred separate files of fastify, zod, drizzle, pg, stripe… took a quarter of a second more.
    // These stay in node_modules: they read files beside themselves (PGlite's WebAssembly, Swagger
    // UI's assets, @fastify/swagger's package.json), load themselves by name (pino-pretty), or are
    // optional native code (pg-native).
    external: ['@electric-sql/pglite', '@electric-sql/pglite-socket', '@fastify/swagger', '@fastify/swagger-ui', 'pino', 'pino-pretty', 'thread-stream', 'pg-native'],
    // Bundled CommonJS calls require(): give the ES module output one.
    banner: { js: "import { createRequire as __payoutsCreateRequire } from 'node:module'; const require = __payoutsCreateRequire(import.meta.url);" },
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
  // Our sources decide freshness; bundled dependencies change only with package-lock.json.
  const inputs = [...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/')), 'package-lock.json'];
  writeFileSync(join(building, relative(paths.server, paths.serverManifest)), JSON.stringify({ builtAt, inputs }, null, 1));
  rmSync(paths.server, { recursive: true, force: true });
  renameSync(building, paths.server);
}

/**
 * A data directory as `payouts serve` leaves it before any data exists: migrated, and with pg-boss's
 * schema installed (both take seconds on PGlite). Made by running the bundled service once with
 * DEMO=0 on free ports and stopping it as soon as it listens.
 */
async function buildDataDirTemplate() {
  const building = `${paths.dataDirTemplate}.building-${process.pid}`;
  // The old template goes first: the service would otherwise start the new one as a copy of it.
  rmSync(paths.dataDirTemplate, { recursive: true, force: true });
  rmSync(building, { recursive: true, force: true });
  const builtAt = Date.now();
  const env = { ...process.env, DATA_DIR: building, DEMO: '0', HOST: '127.0.0.1', PORT: '0', STRIPE_SANDBOX_PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'development' };
  for (const name of ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_API_BASE', 'ENABLE_TEST_CLOCK']) delete env[name];
  const service = spawn(process.execPath, [join(repoRoot, 'bin/payouts.js'), 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => service.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 120_000);
    let output = '';
    service.stdout.on('data', (chunk) => {
      output += chunk.toString('utf8');
      if (output.includes('Payouts is listening')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    service.once('exit', () => resolve(false));
  });
  service.kill('SIGTERM');
  const code = await exited;
  if (!ready || code !== 0) {
    rmSync(building, { recursive: true, force: true });
    throw new Error(`the service did not start and stop cleanly on the template (exit ${code}); \`DATA_DIR=/tmp/x DEMO=0 npx payouts serve\` shows why`);
  }
  rmSync(join(building, 'stripe-sandbox.json'), { force: true });
  writeFileSync(join(building, 'stamp.json'), JSON.stringify({ pglite: installedPgliteVersion(), builtAt }));
  renameSync(building, paths.dataDirTemplate);
}

function buildWeb() {
  const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts ?? {};
  keepNpmTreeCurrent(() => {
    if (scripts['web:build']) run('npm', ['run', 'web:build', '--silent']);
    else run(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts']);
  });
  precompress(join(paths.web, 'assets'));
}

/**
 * Vite adds its own folders to node_modules (.vite-temp), which makes npm's record of the installed
 * tree (node_modules/.package-lock.json) look out of date, though no package changed: every `npx`
 * would then read all of node_modules again, half a second each. When the record was current before
 * the build, it is marked current again after.
 */
function keepNpmTreeCurrent(build) {
  const record = join(repoRoot, 'node_modules', '.package-lock.json');
  const mtime = (path) => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return 0;
    }
  };
  const wasCurrent = mtime(record) > 0 && mtime(record) >= mtime(join(repoRoot, 'node_modules'));
  build();
  if (wasCurrent && mtime(join(repoRoot, 'node_modules')) > mtime(record)) {
    const now = new Date();
    utimesSync(record, now, now);
  }
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
  if (result.status !== 0) throw new Error(`\`${command} ${commandArgs.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
}
