import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin?: unknown };

// bench/README.md "Start-up", second pass: npx runs a name found in node_modules/.bin at once, but
// loads the whole dependency tree first for a bin the project itself declares.
describe('`npx payouts`', () => {
  it('is node_modules/.bin/payouts, linked to bin/payouts.js by the install (prepare → bin/build.js)', () => {
    expect(realpathSync(`${repoRoot}node_modules/.bin/payouts`)).toBe(realpathSync(`${repoRoot}bin/payouts.js`));
    expect(packageJson.bin, 'a declared bin sends npx down its slow path').toBeUndefined();
  });

  it('runs the CLI', () => {
    const run = spawnSync('npx', ['--no-install', 'payouts', '--version'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(packageJson.version);
  });
});
