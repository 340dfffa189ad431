import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * An embedded database that `npm run build` initialised and migrated once (bin/build.js, part
 * "template"), beside this module's bundle (dist/server) or sources (src/cli): both two folders deep.
 */
export const defaultDataDirTemplate = fileURLToPath(new URL('../../dist/pglite-template', import.meta.url));

/** The migrations (drizzle/), from the same two folders deep. */
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Start a fresh DATA_DIR as a copy of the build's template instead of an empty folder: PGlite's
 * initdb (seconds of WebAssembly) and the migrations are then already done, and the server's
 * `runMigrations` only applies what is newer than the template. Does nothing when the data
 * directory already holds a database, when there is no template, when the template was made by
 * another PGlite version, or when a migration changed after it was made (a new one alone would be
 * applied on top, but an edited one would not). Returns whether it copied.
 *
 * The copy is made aside and renamed into place, so two processes starting on the same empty
 * directory never write into one database: the loser's rename fails and its copy is dropped
 * (then the data-directory lock stops the second server, as without a template). The copy runs
 * in a child process (`cp -a`), so the caller can load its modules meanwhile.
 */
export async function startDataDirFromTemplate(dataDir: string, template: string = defaultDataDirTemplate): Promise<boolean> {
  const target = join(resolve(dataDir), 'pglite');
  if (existsSync(target) || !templateMatchesPglite(template)) return false;
  mkdirSync(resolve(dataDir), { recursive: true });
  const copy = `${target}.from-template-${process.pid}`;
  try {
    await copyDirectory(join(template, 'pglite'), copy);
    renameSync(copy, target);
    return true;
  } catch {
    rmSync(copy, { recursive: true, force: true });
    return false;
  }
}

/** About a thousand small files: `cp -a` copies them several times faster than Node's `cpSync`. */
async function copyDirectory(from: string, to: string): Promise<void> {
  if (process.platform !== 'win32') {
    try {
      await promisify(execFile)('cp', ['-a', from, to]);
      return;
    } catch {
      rmSync(to, { recursive: true, force: true });
    }
  }
  cpSync(from, to, { recursive: true });
}

function templateMatchesPglite(template: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(join(template, 'stamp.json'), 'utf8')) as { pglite?: string; builtAt?: number };
    return (
      existsSync(join(template, 'pglite', 'PG_VERSION')) &&
      stamp.pglite !== undefined &&
      stamp.pglite === installedPgliteVersion() &&
      (stamp.builtAt ?? 0) >= newestMigrationChange()
    );
  } catch {
    return false;
  }
}

function newestMigrationChange(): number {
  let newest = statSync(migrationsFolder).mtimeMs;
  for (const entry of readdirSync(migrationsFolder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function installedPgliteVersion(): string | undefined {
  // The package's entry point, not its package.json, which its `exports` do not list.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (name === '@electric-sql/pglite') return version;
  }
  return undefined;
}
