// Server cost read from the kernel, so the measurement needs nothing inside the server:
// CPU from /proc/<pid>/stat (utime + stime, clock ticks) and resident memory from
// /proc/<pid>/status (VmRSS). The pid must be the node process itself, not a wrapper
// (npx/tsx would hide the server's CPU in a child), see targets/spawn-node.ts.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux distribution node supports; the kernel ABI fixes it. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) consumed so far, in ms. Resolution 10 ms: use windows of seconds. */
export function cpuMs(pid: number): number {
  return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU time (user + system) of the process's threads other than its main one, in ms: V8's
 * workers (optimising compiler, WebAssembly tier-up, GC helpers) and libuv's pool. Node
 * keeps these threads for its whole life, so differences over a window hold; a thread
 * that ended meanwhile would take its time with it.
 */
export function workerCpuMs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (Number(tid) === pid) continue;
    try {
      total += statCpuMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

function statCpuMs(stat: string): number {
  // The command name (field 2) may hold spaces; the fields after its closing paren are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
