import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The official Stripe CLI's native binary (npm `@stripe/cli`), found the way the package's own shim finds it. */
export function stripeCliBinary(): string {
  const require = createRequire(import.meta.url);
  const cliDir = dirname(require.resolve('@stripe/cli/package.json'));
  const platforms = JSON.parse(readFileSync(join(cliDir, 'platforms.json'), 'utf8')) as Record<string, { pkg: string; bin: string }>;
  const platform = platforms[`${process.platform}-${process.arch}`];
  if (!platform) throw new Error(`@stripe/cli has no binary for ${process.platform}-${process.arch}`);
  try {
    return join(dirname(require.resolve(`${platform.pkg}/package.json`)), 'bin', platform.bin);
  } catch {
    const vendored = join(cliDir, 'vendor', 'bin', platform.bin);
    if (existsSync(vendored)) return vendored;
    throw new Error(`Stripe CLI binary ${platform.pkg} is not installed`);
  }
}
