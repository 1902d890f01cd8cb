// Scenario 2, many halls: subscribers spread over 200 halls, 200 changes per second
// across them. Target (issue 8): p99 under 250 ms, no missed or reordered version.
import type { BenchOptions } from '../options.js';
import { percentile } from '../stats.js';
import { atMost } from './fanout.js';
import { runLoad } from './load-run.js';
import { loadProblems, type ScenarioSpec } from './scenario.js';
import { socketCap, withTarget } from './with-target.js';

export function manyHallsScenario(options: BenchOptions, profileDir: string | undefined): ScenarioSpec {
  const { sockets, note } = socketCap(options.hallSubscribers);
  return {
    id: 'halls',
    title: `2. Many halls: ${sockets} subscribers over ${options.halls} halls, ${options.hallRate} changes/s for ${options.durationS} s`,
    metrics: [
      { key: 'p50', label: 'send → last receipt p50', unit: 'ms', digits: 1 },
      { key: 'p99', label: 'send → last receipt p99', unit: 'ms', digits: 1 },
      { key: 'deliveriesPerS', label: 'deliveries per second', unit: '/s', digits: 0 },
      { key: 'cpuUs', label: 'server CPU per delivery', unit: 'µs', digits: 2 },
      { key: 'clientCpuUs', label: 'load processes\' CPU per delivery', unit: 'µs', digits: 2 },
      { key: 'replyP99', label: 'writer reply p99', unit: 'ms', digits: 1 },
    ],
    goals: [{ text: 'p99 < 250 ms', check: (m) => atMost(m.get('seats')?.p99, 250) }],
    notes: note ? [note] : [],
    measure: (target) =>
      withTarget(target, { cpuProfDir: target.kind === 'seats' ? profileDir : undefined }, async (running) => {
        const halls = target.halls(options.halls);
        const m = await runLoad(running, {
          sockets,
          halls,
          authenticated: false,
          loaders: options.loaders,
          concurrency: 100,
          settleMs: 500,
          // Four staff sockets share the rate, as several box offices would.
          writer: { halls, mode: { kind: 'rate', perSecond: options.hallRate }, connections: 4, durationMs: options.durationS * 1000, batch: 1 },
        });
        return {
          values: {
            p50: percentile(m.lastReceiptMs, 50),
            p99: percentile(m.lastReceiptMs, 99),
            deliveriesPerS: m.deliveriesPerSecond,
            cpuUs: m.cpuPerDeliveryUs,
            clientCpuUs: m.clientCpuPerDeliveryUs,
            replyP99: percentile(m.replyMs, 99),
          },
          problems: loadProblems(m),
        };
      }),
  };
}
