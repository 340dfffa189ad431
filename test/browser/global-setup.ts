import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { repoRoot, webBuildIsFresh } from '../../bin/build-freshness.js';
import { chromiumExecutable, chromiumMissing } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the browser tests drive, or null when none is installed (they are then skipped). */
    chromiumPath: string | null;
  }
}

/**
 * Once per run, before any browser test file: find Chromium, and make sure dist/web is a build
 * of the current src/web, which the real service serves to it. Without Chromium, one line says
 * the browser tests are skipped and how to install it; nothing is built.
 */
export default function setup(project: TestProject): void {
  const chromium = chromiumExecutable();
  project.provide('chromiumPath', chromium);
  if (!chromium) {
    console.log(chromiumMissing());
    return;
  }
  if (webBuildIsFresh()) return;
  console.log('browser tests: building the dashboards first (dist/web is missing or older than src/web)…');
  const build = spawnSync(process.execPath, [join(repoRoot, 'bin/build.js'), '--if-stale', 'web'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('browser tests: building the dashboards failed (see above); `npm run build` shows the same');
}
