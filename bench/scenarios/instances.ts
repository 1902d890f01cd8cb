// Scenario 7, several instances: our server as n processes on one PostgreSQL database
// against one process carrying the same sockets. Subscribers of every hall are spread
// over the instances; one writer (a staff session) sends changes to the first instance
// at a steady rate across halls, as in scenario 2, so the other instances learn of each
// change only through NOTIFY and a read of the change log.
// Targets (issue 19): delivery p99 on n instances within 1.5x of one instance, and the
// same NOTIFYs per change whatever the number of instances.
import type { BenchOptions } from '../options.js';
import { percentile } from '../stats.js';
import type { Endpoint } from '../load/ipc.js';
import { NotifyCounter } from '../targets/notify-counter.js';
import { SeatsClient } from '../targets/seats-client.js';
import type { RunningTarget } from '../targets/target.js';
import { atMost } from './fanout.js';
import { runLoad, type LoadMeasurement } from './load-run.js';
import { loadProblems, type ScenarioSpec } from './scenario.js';
import { socketCap, withTarget } from './with-target.js';

/** Target keys: one process, and `instances` processes (bench/targets/seats-instances.ts). */
export const instancesKey = (count: number) => `seats-${count}`;

/** NOTIFYs per change may be this much higher on several instances and still be "the same" (run-to-run batching). */
const NOTIFY_TOLERANCE = 0.02;

export function instancesScenario(options: BenchOptions, profileDir: string | undefined): ScenarioSpec {
  // Each process could hold the cap, but the single-instance target must carry them all.
  const { sockets, note } = socketCap(options.instanceSubscribers);
  const one = instancesKey(1);
  const many = instancesKey(options.instances);
  return {
    id: 'instances',
    title: `7. Several instances: ${sockets} subscribers over ${options.halls} halls on 1 and on ${options.instances} servers sharing one PostgreSQL database, ${options.hallRate} changes/s for ${options.instanceDurationS} s`,
    metrics: [
      { key: 'p50', label: 'send → last receipt p50', unit: 'ms', digits: 1 },
      { key: 'p99', label: 'send → last receipt p99', unit: 'ms', digits: 1 },
      { key: 'deliveriesPerS', label: 'deliveries per second', unit: '/s', digits: 0 },
      { key: 'cpuUs', label: 'CPU of all servers per delivery', unit: 'µs', digits: 2 },
      { key: 'writerCpuPerChangeUs', label: 'CPU of the written instance per change', unit: 'µs', digits: 0 },
      { key: 'otherCpuPerChangeUs', label: 'CPU of each other instance per change', unit: 'µs', digits: 0 },
      { key: 'notifiesPerChange', label: 'NOTIFYs', unit: 'per committed change', digits: 3 },
      { key: 'repeatedNotifies', label: 'NOTIFYs repeating a payload', unit: 'count', digits: 0 },
      { key: 'replyP99', label: 'writer reply p99', unit: 'ms', digits: 1 },
    ],
    compare: [[many, one]],
    goals: [
      { text: `${options.instances} instances: delivery p99 ≤ 1.5× one instance`, check: (m) => atMost(ratio(m, many, one, 'p99'), 1.5) },
      {
        // Fewer is not a miss: a slower run gives group commit bigger batches, and a batch
        // notifies a hall once however many of its changes it holds.
        text: `NOTIFYs per change equal for 1 and ${options.instances} instances (none added by instances: at most ${NOTIFY_TOLERANCE * 100}% more)`,
        check: (m) => atMost(ratio(m, many, one, 'notifiesPerChange'), 1 + NOTIFY_TOLERANCE),
      },
    ],
    notes: [
      'Subscribers are public viewers; the k-th subscriber of a hall connects to instance k mod n. The writer is one process with 4 staff sockets, all on the first instance. Every instance must accept the one session cookie.',
      'NOTIFYs are counted by the bench itself, LISTENing on the hall channel of the same database while the load runs; group commit sends one per changed hall per batch.',
      'The ratio column is the several-instance target over the single one. On a 2-core machine the instances share the cores with the load processes and PostgreSQL.',
      'CPU per change is per committed change, each process counting its share of the pushes; on one instance it is all of them.',
      ...(note ? [note] : []),
    ],
    measure: (target) =>
      withTarget(target, { cpuProfDir: profileDir }, async (running) => {
        if (!running.databaseUrl) throw new Error('the instances scenario needs a target on PostgreSQL');
        // Checked before the load, so an answer slowed by it is not mistaken for a refusal.
        const refused = await sessionProblems(running);
        const halls = target.halls(options.halls);
        const counter = await NotifyCounter.listen(running.databaseUrl);
        let m: LoadMeasurement;
        try {
          m = await runLoad(running, {
            sockets,
            halls,
            authenticated: false,
            loaders: options.loaders,
            concurrency: 100,
            settleMs: 500,
            writer: { halls, mode: { kind: 'rate', perSecond: options.hallRate }, connections: 4, durationMs: options.instanceDurationS * 1000, batch: 1 },
          });
        } catch (error) {
          await counter.stop().catch(() => undefined);
          throw error;
        }
        const notifies = await counter.stop();
        return {
          values: {
            p50: percentile(m.lastReceiptMs, 50),
            p99: percentile(m.lastReceiptMs, 99),
            deliveriesPerS: m.deliveriesPerSecond,
            cpuUs: m.cpuPerDeliveryUs,
            ...cpuPerChange(m),
            notifiesPerChange: m.commits > 0 ? notifies.total / m.commits : Number.NaN,
            repeatedNotifies: notifies.total - notifies.distinct,
            replyP99: percentile(m.replyMs, 99),
          },
          problems: [...loadProblems(m), ...refused],
        };
      }),
  };
}

/**
 * Where the CPU goes: the instance the writer talks to commits and pushes to its share of
 * subscribers; every other one hears the NOTIFY, reads the change from the log and
 * pushes to its share.
 */
function cpuPerChange(m: LoadMeasurement): { writerCpuPerChangeUs: number; otherCpuPerChangeUs: number } {
  const [written = Number.NaN, ...others] = m.serverCpuMsByProcess;
  const perChange = (ms: number) => (m.commits > 0 ? (ms * 1000) / m.commits : Number.NaN);
  return {
    writerCpuPerChangeUs: perChange(written),
    otherCpuPerChangeUs: others.length > 0 ? perChange(others.reduce((a, b) => a + b, 0) / others.length) : Number.NaN,
  };
}

/** The one session cookie must be a session on every instance: they share the database and the secrets. */
async function sessionProblems(running: RunningTarget): Promise<string[]> {
  const instances = running.instances ?? [{ pid: running.pid, endpoint: running.endpoint }];
  const answers = await Promise.all(instances.map((instance) => sessionAnswer(instance.endpoint)));
  return answers.flatMap((answer, i) => (answer === 'user' ? [] : [`instance ${i + 1} did not accept the session cookie (${answer})`]));
}

/** What user.subscribe says of the cookie: 'user' for a session, else the status or error. */
async function sessionAnswer(endpoint: Endpoint): Promise<string> {
  const client = await SeatsClient.open(endpoint.baseUrl, endpoint.cookie ?? '');
  try {
    const data = await client.request<{ status?: string }>('user.subscribe', null);
    return data.status ?? 'no status';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    client.close();
  }
}

function ratio(medians: Map<string, Record<string, number>>, of: string, to: string, key: string): number | undefined {
  const a = medians.get(of)?.[key];
  const b = medians.get(to)?.[key];
  return a === undefined || b === undefined || !Number.isFinite(a) || !(b > 0) ? undefined : a / b;
}
