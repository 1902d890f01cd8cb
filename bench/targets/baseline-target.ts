// The two baselines as bench targets: a fresh process per start, on a fresh port.
import type { TargetKind } from '../load/ipc.js';
import { freePort, waitForOk } from './ports.js';
import { spawnNode, stopChild } from './spawn-node.js';
import type { StartOptions, Target } from './target.js';

const ENTRY = { raw: 'bench/baselines/raw-ws-server.ts', socketio: 'bench/baselines/socketio-server.ts' } as const;
const LABEL = { raw: 'raw ws', socketio: 'Socket.IO' } as const;

export function baselineTarget(kind: Exclude<TargetKind, 'seats'>): Target {
  return {
    kind,
    key: kind,
    label: LABEL[kind],
    // A baseline hall exists as soon as a socket names it.
    halls: (count) => Array.from({ length: count }, (_, i) => i + 1),
    async start(options: StartOptions = {}) {
      const port = await freePort();
      const started = performance.now();
      const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
      const child = spawnNode(ENTRY[kind], { env: { PORT: String(port) }, nodeArgs });
      const baseUrl = `http://127.0.0.1:${port}`;
      try {
        await waitForOk(`${baseUrl}/ready`, 20_000, () => child.exitCode === null);
      } catch (error) {
        await stopChild(child);
        throw error;
      }
      return {
        kind,
        pid: child.pid as number,
        endpoint: { kind, baseUrl },
        readyMs: performance.now() - started,
        stop: () => stopChild(child),
      };
    },
  };
}
