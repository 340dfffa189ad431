import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dataDirTemplateIsFresh, repoRoot, webBuildIsFresh } from '../../bin/build-freshness.js';
import { chromiumExecutable, chromiumMissing } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the browser tests drive, or null when none is installed (they are then skipped). */
    chromiumPath: string | null;
  }
}

/**
 * Once per run, before any browser test file: find Chromium, and make sure dist/web is a build
 * of the current src/web, which the real service serves to it (and that the database template
 * each file's service starts from is current). Without Chromium, one line says
 * the browser tests are skipped and how to install it; nothing is built.
 */
export default function setup(project: TestProject): void {
  const chromium = chromiumExecutable();
  project.provide('chromiumPath', chromium);
  if (!chromium) {
    console.log(chromiumMissing());
    return;
  }
  if (webBuildIsFresh() && dataDirTemplateIsFresh()) return;
  // The template only makes each file's service start faster; the dashboards are what is tested.
  console.log('browser tests: building dist/ first (the dashboards or the database template is missing or older than its sources)…');
  const build = spawnSync(process.execPath, [join(repoRoot, 'bin/build.js'), '--if-stale', 'template', 'web'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('browser tests: building dist/ failed (see above); `npm run build` shows the same');
}
