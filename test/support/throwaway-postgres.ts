// A PostgreSQL cluster of its own for fault tests: created in a temporary folder on a free
// port, stopped, restarted or killed by the test, removed at the end. Never the shared
// server. initdb and pg_ctl refuse to run as root, so they run as the `postgres` user
// when the tests do (CI runs as root).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, tempDir } from './server.js';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export function throwawayPostgresAvailable(): boolean {
  return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
}

export interface ThrowawayPostgres {
  url: string;
  port: number;
  /** Starts the cluster (again) and waits until it accepts connections. */
  start(): void;
  /** A fast shutdown: connections are closed by the server. */
  stop(): void;
  /** SIGKILL to the postmaster, then waits for its backends to go (they exit on its death). */
  killPostmaster(): Promise<void>;
  /** Stops the cluster if it runs and removes its folder. */
  remove(): void;
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const root = tempDir('seats-sync-pg-');
  const data = join(root, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) execFileSync('chown', ['postgres', root]);
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]] : [join(BIN, tool), args];
    return execFileSync(command[0] as string, command[1] as string[], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const pidOf = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const cluster: ThrowawayPostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => void run('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']),
    stop: () => void run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    async killPostmaster() {
      const pid = pidOf();
      const children = execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').map(Number);
      process.kill(pid, 'SIGKILL');
      // Backends notice the postmaster's death and exit; a new postmaster needs them gone.
      // No event tells of another process's exit: look every 20 ms, for at most 10 s.
      for (let waited = 0; [pid, ...children].some(alive); waited += 20) {
        if (waited > 10_000) throw new Error('postgres backends outlived their postmaster by 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    remove() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // not running
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
