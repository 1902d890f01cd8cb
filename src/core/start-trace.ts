// A wall-clock timeline of the start, for finding where a cold start waits
// (docs/performance.md, scenario 5). Off unless SEATS_START_TRACE=1; then each mark writes
// one line to stderr: ms since the process began, and of that the main thread's time on a
// CPU, its time queued for one (the machine's other load), and the rest: idle, waiting on
// I/O, a timer, a lock or another thread. From the kernel's per-thread schedstat (Linux).
import { readFileSync } from 'node:fs';

const enabled = process.env.SEATS_START_TRACE === '1';
let last = { wall: 0, run: 0, queued: 0 };

/** Main thread: ns on a CPU, ns waiting on the run queue (/proc/<pid>/task/<pid>/schedstat). */
function schedstat(): { run: number; queued: number } {
  try {
    const [run = '0', queued = '0'] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return { run: Number(run) / 1e6, queued: Number(queued) / 1e6 };
  } catch {
    return { run: 0, queued: 0 };
  }
}

export function startMark(name: string): void {
  if (!enabled) return;
  const now = { wall: performance.now(), ...schedstat() };
  const delta = { wall: now.wall - last.wall, run: now.run - last.run, queued: now.queued - last.queued };
  const idle = delta.wall - delta.run - delta.queued;
  const f = (ms: number) => ms.toFixed(0).padStart(5);
  process.stderr.write(`start-trace ${f(now.wall)} ms | +${f(delta.wall)} run ${f(delta.run)} queued ${f(delta.queued)} idle ${f(idle)} | ${name} @${(performance.timeOrigin + now.wall).toFixed(0)}\n`);
  last = now;
}
