// Scenario 1, fan-out: many subscribers on one hall, one seat change per 100 ms.
// Targets (issue 19): p99 and server CPU per delivery at most raw ws's (issue 8: p50 within
// 1.3x, CPU within 1.2x).
import type { BenchOptions } from '../options.js';
import { loadProblems, ratioTo, type ScenarioSpec } from './scenario.js';
import { runLoad } from './load-run.js';
import { percentile } from '../stats.js';
import { socketCap, withTarget } from './with-target.js';

export function fanoutScenario(options: BenchOptions, profileDir: string | undefined): ScenarioSpec {
  const { sockets, note } = socketCap(options.subscribers);
  return {
    id: 'fanout',
    title: `1. Fan-out: ${sockets} subscribers on one hall, ${options.fanoutRate} changes/s for ${options.durationS} s${options.fanoutWarmup ? ` after ${options.fanoutWarmup} warm-up changes` : ''}`,
    metrics: [
      { key: 'p50', label: 'send → last receipt p50', unit: 'ms', digits: 1 },
      { key: 'p99', label: 'send → last receipt p99', unit: 'ms', digits: 1 },
      { key: 'firstP50', label: 'send → first receipt p50', unit: 'ms', digits: 1 },
      { key: 'deliveriesPerS', label: 'deliveries per second', unit: '/s', digits: 0 },
      { key: 'cpuUs', label: 'server CPU per delivery', unit: 'µs', digits: 2 },
      { key: 'workerCpuUs', label: '… of which off the main thread (V8 compiler, GC)', unit: 'µs', digits: 2 },
      { key: 'clientCpuUs', label: 'load processes\' CPU per delivery', unit: 'µs', digits: 2 },
      { key: 'rssKiB', label: 'server RSS per connection', unit: 'KiB', digits: 1 },
      { key: 'replyP50', label: 'writer reply p50', unit: 'ms', digits: 2 },
    ],
    goals: [
      // Issue 19 (issue 8 asked p50 ≤ 1.3× and CPU ≤ 1.2×).
      { text: 'p99 ≤ 1.0× raw ws', check: (m) => atMost(ratioTo(m, 'p99', 'raw'), 1.0) },
      { text: 'CPU per delivery ≤ 1.0× raw ws', check: (m) => atMost(ratioTo(m, 'cpuUs', 'raw'), 1.0) },
    ],
    notes: [
      'Latency runs from the writer sending the change (for our server: the staff call, so it includes the commit) to the last subscriber receiving it, per version.',
      'Subscribers are public viewers (no cookie; PUBLIC_READ), as on the baselines; the writer is a staff session.',
      ...(note ? [note] : []),
    ],
    measure: (target) =>
      withTarget(target, { cpuProfDir: target.kind === 'seats' ? profileDir : undefined }, async (running) => {
        const m = await runLoad(running, {
          sockets,
          halls: target.halls(1),
          authenticated: false,
          loaders: options.loaders,
          concurrency: 100,
          settleMs: 1_000,
          writer: {
            halls: target.halls(1),
            mode: { kind: 'rate', perSecond: options.fanoutRate },
            connections: 1,
            durationMs: options.durationS * 1000,
            batch: 1,
            // To the second hall, which nobody subscribes to: the measured hall's versions stay 1, 2, ...
            warmup: options.fanoutWarmup ? { hall: target.halls(2)[1]!, changes: options.fanoutWarmup } : undefined,
          },
        });
        return {
          values: {
            p50: percentile(m.lastReceiptMs, 50),
            p99: percentile(m.lastReceiptMs, 99),
            firstP50: percentile(m.firstReceiptMs, 50),
            deliveriesPerS: m.deliveriesPerSecond,
            cpuUs: m.cpuPerDeliveryUs,
            workerCpuUs: m.workerCpuPerDeliveryUs,
            clientCpuUs: m.clientCpuPerDeliveryUs,
            rssKiB: m.rssPerConnection / 1024,
            replyP50: percentile(m.replyMs, 50),
          },
          problems: loadProblems(m),
        };
      }),
  };
}

export function atMost(value: number | undefined, limit: number): boolean | undefined {
  return value === undefined ? undefined : value <= limit;
}
