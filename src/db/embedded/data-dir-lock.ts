import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../domain/errors/index.js';

/**
 * Exactly one process may own an embedded data directory: two PGlite instances on one
 * directory silently lose data. The owner writes `payouts.lock` (created with O_EXCL) holding
 * its pid and, once listening, the loopback port of its database socket, so that CLI commands
 * run beside a live server connect through that socket instead of opening the files.
 */
export interface DataDirLockInfo {
  pid: number;
  port: number | null;
  startedAt: string;
}

export interface DataDirLock {
  readonly path: string;
  setPort(port: number): void;
  release(): void;
}

export function lockFilePath(dataDir: string): string {
  return join(resolve(dataDir), 'payouts.lock');
}

/** The live owner of `dataDir`, or null when it is free (a lock left by a dead process is stale). */
export function readDataDirOwner(dataDir: string): DataDirLockInfo | null {
  let info: DataDirLockInfo;
  try {
    info = JSON.parse(readFileSync(lockFilePath(dataDir), 'utf8')) as DataDirLockInfo;
  } catch {
    return null;
  }
  return isAlive(info.pid) ? info : null;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(resolve(dataDir), { recursive: true });
  const path = lockFilePath(dataDir);
  const info: DataDirLockInfo = { pid: process.pid, port: null, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        path,
        setPort(port) {
          info.port = port;
          writeFileSync(path, JSON.stringify(info));
        },
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readDataDirOwner(dataDir);
      if (owner) {
        throw new AppError(
          'DATA_DIR_LOCKED',
          `The data directory ${resolve(dataDir)} is in use by another Payouts process (pid ${owner.pid}, since ${owner.startedAt}). ` +
            'Stop that process first, or set DATA_DIR to another directory. Two processes on one directory would lose data.',
          { kind: 'conflict', details: { pid: owner.pid, dataDir: resolve(dataDir) } },
        );
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new AppError('DATA_DIR_LOCKED', `Could not take the lock ${path}`, { kind: 'conflict' });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
