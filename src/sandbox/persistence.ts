import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxContext } from './context.js';
import type { StoredRecord } from './state.js';

const FORMAT_VERSION = 1;

interface SavedSandbox {
  version: typeof FORMAT_VERSION;
  platformAccountId: string;
  records: StoredRecord[];
}

/**
 * What the sandbox keeps across restarts when it has a state file (docs/sandbox.md "State
 * file"): every object — accounts, charges, balance transactions, transfers, payouts, events —
 * and the platform account's id. Not kept: webhook endpoints (whoever registered one registers it
 * again on start, possibly at another URL), idempotency keys, injected failures and deliveries in
 * flight. Time-driven changes need nothing saved: they follow from the objects and the clock.
 */
export function loadSandboxState(file: string): SavedSandbox | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedSandbox>;
  if (parsed.version !== FORMAT_VERSION || typeof parsed.platformAccountId !== 'string' || !Array.isArray(parsed.records)) {
    throw new Error(`The sandbox state file ${file} is not one this version can read (format ${String(parsed.version)}); move it away to start empty`);
  }
  return parsed as SavedSandbox;
}

/** Write the state atomically (a temporary file renamed over the old one): a crash leaves the old or the new, never half. */
export function saveSandboxState(file: string, context: SandboxContext): void {
  const saved: SavedSandbox = {
    version: FORMAT_VERSION,
    platformAccountId: context.platformAccountId,
    records: context.store.dump().filter((record) => record.object.object !== 'webhook_endpoint'),
  };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(saved));
  renameSync(temporary, file);
}

/** Saves shortly after changes (coalescing a burst of requests into one write) and on demand. */
export class StatePersister {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly context: SandboxContext,
    private readonly delayMs = 200,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    saveSandboxState(this.file, this.context);
  }
}
