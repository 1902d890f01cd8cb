// Starts an entry point as one node process (TypeScript through node --import tsx), not
// through npm/npx/tsx, whose wrapper process would stand between us and the server: /proc/<pid>
// must be the process doing the work. bash raises the open-file limit first (65536, or
// the hard limit where the container caps it) and then execs node, so the pid is node's.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const RAISE_FD_LIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"';

export interface SpawnNodeOptions {
  env?: Record<string, string | undefined>;
  /** False for a JavaScript entry (our server's `npm start`): no tsx loader. Default true. */
  typescript?: boolean;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  args?: string[];
  ipc?: boolean;
  /** Where stdout/stderr go; 'pipe' lets the caller watch for a log line. */
  output?: 'inherit' | 'pipe' | 'ignore';
}

/**
 * Every process the bench started and that still runs: an interrupted bench (Ctrl-C,
 * a CI timeout) must not leave servers holding thousands of sockets on a shared machine.
 * Process-wide on purpose: it mirrors the OS's own list of our children.
 */
const live = new Set<ChildProcess>();

export function stopAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

export function spawnNode(entry: string, options: SpawnNodeOptions = {}): ChildProcess {
  const loader = options.typescript === false ? [] : ['--import', 'tsx'];
  const argv = [process.execPath, ...loader, ...(options.nodeArgs ?? []), entry, ...(options.args ?? [])];
  const command = `${RAISE_FD_LIMIT}; exec ${argv.map(shellQuote).join(' ')}`;
  const output = options.output ?? 'inherit';
  const stdio: StdioOptions = options.ipc ? ['ignore', output, output, 'ipc'] : ['ignore', output, output];
  const child = spawn('bash', ['-c', command], { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** The open-file limit children get: the server needs one descriptor per socket. */
export function maxOpenFiles(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1];
  return hard === undefined || hard === 'unlimited' ? 65536 : Math.min(65536, Number(hard));
}

/** Resolves when the child has exited; kills it with SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
