#!/usr/bin/env node
// `npm start`: rebuild whatever part of dist/ is missing or older than its sources (bin/build.js
// --if-stale --keep-going: a broken web build must not keep the API from starting), then run
// `payouts serve`. One Node process for both when nothing is stale: as an npm `prestart` script the
// check cost a second Node start and a shell.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dataDirTemplateIsFresh, serverBuildIsFresh, webBuildIsFresh } from './build-freshness.js';

if (!(serverBuildIsFresh() && dataDirTemplateIsFresh() && webBuildIsFresh())) {
  spawnSync(process.execPath, [fileURLToPath(new URL('./build.js', import.meta.url)), '--if-stale', '--keep-going'], { stdio: 'inherit' });
}
process.argv.splice(2, 0, 'serve');
await import('./payouts.js');
