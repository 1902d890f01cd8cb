// Start a target, run one measurement, always stop it: each repetition gets a fresh
// server process, so one run's garbage or sockets in TIME_WAIT never weigh on the next.
import { maxOpenFiles } from '../targets/spawn-node.js';
import type { RunningTarget, StartOptions, Target } from '../targets/target.js';

export async function withTarget<T>(target: Target, options: StartOptions, measure: (running: RunningTarget) => Promise<T>): Promise<T> {
  const running = await target.start(options);
  try {
    return await measure(running);
  } finally {
    await running.stop();
  }
}

/** Descriptors the server keeps for itself (listeners, database, files, ...). */
const SERVER_DESCRIPTORS = 100;

/**
 * Sockets one server process can hold: one descriptor each. Where the container fixes
 * the hard limit (here 20,000, and CAP_SYS_RESOURCE is not granted), a scenario asking
 * for more is capped, and the report says so.
 */
export function socketCap(wanted: number): { sockets: number; note?: string } {
  const cap = maxOpenFiles() - SERVER_DESCRIPTORS;
  if (wanted <= cap) return { sockets: wanted };
  return { sockets: cap, note: `${wanted} sockets asked, ${cap} run: the open-file hard limit here is ${maxOpenFiles()} and cannot be raised` };
}
