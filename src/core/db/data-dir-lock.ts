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

/**
 * What tells a process from a later one that got the same pid: the boot and the start
 * time of the process (Linux, from /proc); null where that cannot be read.
 */
export async function processStart(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; the
    // start time is field 22 of the file, the 20th of these.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    return startTicks ? `${boot}:${startTicks}` : null;
  } catch {
    return null;
  }
}

/**
 * Whether the lock's process still runs. A pid alone is not enough: after a crash the pid
 * may belong to another process (any process, on a busy host or in a container), which
 * would block the start until someone deleted the file; the recorded start time tells.
 */
async function isHeld(pid: number, recordedStart: string | undefined, lockFile: string): Promise<boolean> {
  if (pid === process.pid) return heldByThisProcess.has(lockFile);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  if (!recordedStart) return true; // a lock without a start time: the pid is all we know
  const start = await processStart(pid);
  return start === null || start === recordedStart;
}

/** Written aside and linked into place: a reader never sees the lock without its pid. */
async function tryCreate(lockFile: string): Promise<boolean> {
  const draft = `${lockFile}.${randomUUID()}`;
  await writeFile(draft, `${process.pid}\n${(await processStart(process.pid)) ?? ''}\n`);
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
 * Takes `<dataDir>/seats-sync.lock` (our pid and start time inside), taking over a lock
 * whose process is gone; throws DataDirLockedError while a live process holds it. Two processes taking over
 * the same stale lock in the same instant are not told apart: a start-up race, not a risk
 * while running.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const lockFile = join(resolve(dataDir), LOCK_FILE_NAME);
  while (!(await tryCreate(lockFile))) {
    const [pidLine = '', start] = (await readFile(lockFile, 'utf8').catch(() => '')).split('\n');
    const pid = Number.parseInt(pidLine, 10);
    if (await isHeld(pid, start?.trim(), lockFile)) throw new DataDirLockedError(lockFile, pid);
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
