import { existsSync } from 'node:fs';

/** Debian's Chromium, or the binary CHROMIUM_PATH names. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumExecutable(): string | null {
  return existsSync(chromiumPath()) ? chromiumPath() : null;
}

/** The one line a run without Chromium prints. */
export const chromiumMissing = (): string =>
  `Browser tests skipped: no Chromium at ${chromiumPath()}. Install it with \`apt-get install chromium\` (or set CHROMIUM_PATH) to run them.`;

/**
 * Flags for a headless Chromium in a container or CI: no sandbox (we run as root), and nothing that
 * reaches out to the network by itself (updates, sync, QUIC), so a test only talks to our service.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
