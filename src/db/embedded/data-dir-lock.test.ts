import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { runMigrations } from '../migrate.js';
import { acquireDataDirLock, lockFilePath, readDataDirOwner } from './data-dir-lock.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'payouts-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded data-directory lock', () => {
  it('lets one owner in and refuses a second with a message naming the directory and pid', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by another Payouts process \\(pid ${process.pid}`));
    lock.release();
    expect(existsSync(lockFilePath(dir))).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it('takes over a lock left by a process that is gone', () => {
    const dir = tempDir();
    writeFileSync(lockFilePath(dir), JSON.stringify({ pid: 2 ** 22 + 12345, port: 1, startedAt: 'then' }));
    expect(readDataDirOwner(dir)).toBeNull();
    const lock = acquireDataDirLock(dir);
    expect(readDataDirOwner(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('makes a second process refuse to open the directory, while a sharing client works through the socket', async () => {
    const dir = tempDir();
    const owner = await openDatabase({ dataDir: dir });
    try {
      await runMigrations(owner);
      expect(readDataDirOwner(dir)?.port).toBeGreaterThan(0);
      const script = `
        import { openDatabase } from './src/db/database.ts';
        try { await openDatabase({ dataDir: process.argv[1] }); console.log('opened'); process.exit(0); }
        catch (e) { console.error(e.code + ': ' + e.message); process.exit(3); }`;
      const second = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { encoding: 'utf8', timeout: 60_000 });
      expect(second.status).toBe(3);
      expect(second.stderr).toMatch(/DATA_DIR_LOCKED: The data directory .* is in use by another Payouts process/);

      const shared = await openDatabase({ dataDir: dir, whenLocked: 'share' });
      try {
        const { rows } = await shared.pool.query<{ n: number }>('select count(*)::int as n from ledger_accounts');
        expect(rows[0]!.n).toBe(0);
      } finally {
        await shared.close();
      }
    } finally {
      await owner.close();
    }
    expect(readDataDirOwner(dir)).toBeNull();
  }, 90_000);
});
