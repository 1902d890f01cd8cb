// Scenario 3, connections: idle sockets (authenticated on our server, one session cookie
// shared by all): server RSS per connection and the time to accept them all.
// Target (issue 8): at most 1.5x raw ws's memory per connection.
import type { BenchOptions } from '../options.js';
import { atMost } from './fanout.js';
import { runLoad } from './load-run.js';
import { loadProblems, ratioTo, type ScenarioSpec } from './scenario.js';
import { socketCap, withTarget } from './with-target.js';

export function connectionsScenario(options: BenchOptions, profileDir: string | undefined): ScenarioSpec {
  const { sockets, note } = socketCap(options.connections);
  return {
    id: 'connections',
    title: `3. Connections: ${sockets} idle sockets (authenticated on ours)`,
    metrics: [
      { key: 'rssKiB', label: 'server RSS per connection', unit: 'KiB', digits: 1 },
      { key: 'acceptS', label: 'time to accept all', unit: 's', digits: 2 },
      { key: 'perSecond', label: 'accepted per second', unit: '/s', digits: 0 },
    ],
    goals: [{ text: 'RSS per connection ≤ 1.5× raw ws', check: (m) => atMost(ratioTo(m, 'rssKiB', 'raw'), 1.5) }],
    notes: [
      'RSS is read 2 s after the last socket is served, without forcing a GC, so it includes garbage not yet collected; accept time includes the loaders\' own handshake work on the same 2 cores.',
      ...(note ? [note] : []),
    ],
    measure: (target) =>
      withTarget(target, { cpuProfDir: target.kind === 'seats' ? profileDir : undefined }, async (running) => {
        const m = await runLoad(running, { sockets, halls: [], authenticated: true, loaders: options.loaders, concurrency: 100, settleMs: 2_000 });
        return {
          values: { rssKiB: m.rssPerConnection / 1024, acceptS: m.openMs / 1000, perSecond: m.opened / (m.openMs / 1000) },
          problems: loadProblems(m),
        };
      }),
  };
}
