// Whether each part of `npm run build` (bin/build.js) is there and newer than what it is built from.
// Plain JavaScript with no dependency: bin/payouts.js asks before anything else is loaded.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const paths = {
  /** The service bundled to JavaScript (esbuild): what bin/payouts.js runs when it is fresh. */
  server: join(repoRoot, 'dist', 'server'),
  serverEntry: join(repoRoot, 'dist', 'server', 'main.js'),
  /** The sources the bundle was made of, and when (written by bin/build.js). */
  serverManifest: join(repoRoot, 'dist', 'server', 'build-manifest.json'),
  /** The dashboards (vite build of src/web). */
  web: join(repoRoot, 'dist', 'web'),
  webIndex: join(repoRoot, 'dist', 'web', 'index.html'),
  /** An initialised, migrated embedded database that a fresh DATA_DIR starts from (src/cli/data-dir-template.ts). */
  dataDirTemplate: join(repoRoot, 'dist', 'pglite-template'),
  dataDirTemplateStamp: join(repoRoot, 'dist', 'pglite-template', 'stamp.json'),
};

/** What the dashboards are built from: a change in any of these makes dist/web stale. */
const webInputs = ['src/web', 'src/domain', 'package-lock.json'];

/** Newest modification time (ms) of a file or of any file under a directory; 0 when absent. */
export function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The bundle exists and none of its sources changed since it was built. */
export function serverBuildIsFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(paths.serverManifest, 'utf8'));
  } catch {
    return false;
  }
  if (!existsSync(paths.serverEntry) || !Array.isArray(manifest.inputs)) return false;
  for (const input of manifest.inputs) {
    const mtime = mtimeOf(join(repoRoot, input));
    if (mtime === 0 || mtime > manifest.builtAt) return false;
  }
  return true;
}

/** dist/web/index.html exists and is newer than everything the web app is built from. */
export function webBuildIsFresh() {
  const built = mtimeOf(paths.webIndex);
  return built > 0 && webInputs.every((input) => newestMtime(join(repoRoot, input)) <= built);
}

/** The installed PGlite's version: a template made by another version may not open. */
export function installedPgliteVersion() {
  try {
    return JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The template exists, was made by the installed PGlite, and no migration changed since. */
export function dataDirTemplateIsFresh() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(paths.dataDirTemplateStamp, 'utf8'));
  } catch {
    return false;
  }
  return stamp.pglite === installedPgliteVersion() && newestMtime(join(repoRoot, 'drizzle')) <= stamp.builtAt && existsSync(join(dirname(paths.dataDirTemplateStamp), 'pglite', 'PG_VERSION'));
}
