// One process per embedded data folder. PGlite does not stop a second process from opening
// the same folder: both run, each with its own view, and the folder silently diverges.
import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataDirLockedError } from './errors.js';

export const LOCK_FILE_NAME = 'seats-sync.lock';

/**
 * Folders this process holds. A lock file with our own pid that is not listed here was left
 * by an earlier process that had the same pid (containers start every run as pid 1).
 */
const heldByThisProcess = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isHeld(pid: number, lockFile: string): boolean {
  if (pid === process.pid) return heldByThisProcess.has(lockFile);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid);
}

/** Written aside and linked into place: a reader never sees the lock without its pid. */
async function tryCreate(lockFile: string): Promise<boolean> {
  const draft = `${lockFile}.${randomUUID()}`;
  await writeFile(draft, `${process.pid}\n`);
  try {
    await link(draft, lockFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft);
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes `<dataDir>/seats-sync.lock` (our pid inside), taking over a lock whose process is
 * gone; throws DataDirLockedError while a live process holds it. Two processes taking over
 * the same stale lock in the same instant are not told apart: a start-up race, not a risk
 * while running.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const lockFile = join(resolve(dataDir), LOCK_FILE_NAME);
  while (!(await tryCreate(lockFile))) {
    const content = await readFile(lockFile, 'utf8').catch(() => '');
    const pid = Number.parseInt(content, 10);
    if (isHeld(pid, lockFile)) throw new DataDirLockedError(lockFile, pid);
    await unlink(lockFile).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  heldByThisProcess.add(lockFile);
  return {
    async release() {
      heldByThisProcess.delete(lockFile);
      await unlink(lockFile).catch(() => undefined);
    },
  };
}
