// A load process: opens its share of subscriber sockets, checks every version each one
// receives, and reports receipts to the coordinator. Several run side by side (one per
// core) so the client side is not the bottleneck; started by scenarios/load-run.ts.
import { sleep } from '../clock.js';
import type { Endpoint, FinishCommand, LoaderCommand, LoaderReport, OpenCommand } from './ipc.js';
import { openSubscriber, probeSession } from './subscriber.js';
import { ReceiptLedger, type VersionTrack } from './version-track.js';

const ledger = new ReceiptLedger();
const tracks: VersionTrack[] = [];

function report(message: LoaderReport): void {
  process.send?.(message);
}

async function open(command: OpenCommand): Promise<void> {
  const { endpoints, halls, instances, concurrency, deflate = false } = command;
  // Every instance must accept the one session cookie (they share the database and secrets).
  const probed = await Promise.all(endpoints.map((endpoint) => (endpoint.kind === 'seats' && endpoint.cookie ? probeSession(endpoint) : undefined)));
  const authenticated = probed[0] === undefined ? undefined : probed.every(Boolean);
  let next = 0;
  let opened = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < halls.length) {
      const hall = halls[next] ?? null;
      const endpoint = endpoints[instances[next] ?? 0] as Endpoint;
      next++;
      try {
        const track = await openSubscriber(endpoint, hall, ledger, deflate);
        if (track) tracks.push(track);
        opened++;
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, halls.length) }, worker));
  report({ msg: 'opened', opened, failed: failures.length, failures: [...new Set(failures)].slice(0, 5), authenticated });
}

/** Waits (bounded) until every subscriber shows the expected map at its final version, then reports. */
async function finish(command: FinishCommand): Promise<void> {
  const finals = new Map(command.finals.map(([hall, showing, version]) => [`${hall}:${showing}`, version]));
  const maps = command.maps ? new Map(command.maps) : undefined;
  const onMap = (track: VersionTrack) => maps === undefined || !maps.has(track.hall) || maps.get(track.hall) === track.showing;
  const behind = () => tracks.filter((track) => !onMap(track) || track.version < (finals.get(`${track.hall}:${track.showing}`) ?? 0)).length;
  const deadline = Date.now() + command.timeoutMs;
  while (behind() > 0 && Date.now() < deadline) await sleep(50);
  report({ msg: 'result', ...ledger.counters, unserved: behind(), versions: ledger.all(), rollovers: ledger.rollovers });
}

process.on('message', (command: LoaderCommand) => {
  const task = command.cmd === 'open' ? open(command) : finish(command);
  task.catch((error: unknown) => {
    console.error('loader failed:', error);
    process.exit(1);
  });
});
process.on('SIGTERM', () => process.exit(0));
report({ msg: 'hello' });
