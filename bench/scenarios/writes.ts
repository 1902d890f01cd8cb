// Scenario 4, writes: staff connections in a closed loop (next change on the reply), so
// the rate is what the server commits. Every change is still pushed (a subscriber per
// hall checks every version) and audited (the server writes its event row).
// Targets (issue 19, on PostgreSQL, synchronous_commit on): >= 3,000 single-seat changes/s
// across halls, >= 2,000/s on one hot hall, server CPU <= 150 µs per change (issue 8 asked
// 1,500 and 1,000).
import type { BenchOptions } from '../options.js';
import { atMost } from './fanout.js';
import { percentile } from '../stats.js';
import { runLoad } from './load-run.js';
import { loadProblems, type ScenarioSpec } from './scenario.js';
import type { RunningTarget } from '../targets/target.js';
import { withTarget } from './with-target.js';

export interface WritesVariant {
  hot: boolean;
  batch: number;
}

export const WRITES_VARIANTS: WritesVariant[] = [
  { hot: false, batch: 1 },
  { hot: true, batch: 1 },
  { hot: false, batch: 20 },
  { hot: true, batch: 20 },
];

const CPU_GOAL_US = 150;

function atLeast(value: number | undefined, floor: number): boolean | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : value >= floor;
}

/** Subscribers on the hot hall: enough to show pushes keep up, few enough not to be the load. */
const HOT_HALL_SUBSCRIBERS = 10;

/** Every committed seat change must have left exactly one audit row. */
async function auditProblems(running: RunningTarget, before: number | undefined, seatChanges: number): Promise<string[]> {
  if (before === undefined || !running.countAuditRows) return [];
  const rows = (await running.countAuditRows()) - before;
  return rows === seatChanges ? [] : [`${rows} audit rows for ${seatChanges} committed seat changes`];
}

export function writesId(variant: WritesVariant): string {
  return `writes-${variant.hot ? 'hot' : 'halls'}${variant.batch > 1 ? `-batch${variant.batch}` : ''}`;
}

export function writesScenario(options: BenchOptions, variant: WritesVariant, storeLabel: string, profileDir: string | undefined): ScenarioSpec {
  const hallCount = variant.hot ? 1 : options.halls;
  const where = variant.hot ? 'one hot hall' : `${hallCount} halls`;
  const goal = variant.batch === 1 ? (variant.hot ? 2_000 : 3_000) : undefined;
  return {
    id: writesId(variant),
    title: `4. Writes on ${storeLabel}: ${options.writers} writers, ${variant.batch === 1 ? 'single-seat' : `${variant.batch}-seat batch`} changes, ${where}, ${options.writeDurationS} s`,
    metrics: [
      { key: 'commitsPerS', label: 'committed changes per second', unit: '/s', digits: 0 },
      { key: 'seatsPerS', label: 'seat updates per second', unit: '/s', digits: 0 },
      { key: 'replyP50', label: 'reply p50', unit: 'ms', digits: 2 },
      { key: 'replyP99', label: 'reply p99', unit: 'ms', digits: 2 },
      { key: 'pushP99', label: 'send → last receipt p99', unit: 'ms', digits: 1 },
      { key: 'cpuPerCommitUs', label: 'server CPU per change', unit: 'µs', digits: 0 },
    ],
    goals:
      goal === undefined
        ? []
        : [
            { text: `≥ ${goal} changes/s`, check: (m) => atLeast(m.get('seats')?.commitsPerS, goal) },
            { text: `server CPU ≤ ${CPU_GOAL_US} µs per change`, check: (m) => atMost(m.get('seats')?.cpuPerCommitUs, CPU_GOAL_US) },
          ],
    notes: ['The baselines commit nothing: their rows show the socket round trip alone, the floor under any database.'],
    measure: (target) =>
      withTarget(target, { cpuProfDir: target.kind === 'seats' ? profileDir : undefined }, async (running) => {
        const halls = target.halls(hallCount);
        const auditBefore = await running.countAuditRows?.();
        const m = await runLoad(running, {
          sockets: variant.hot ? HOT_HALL_SUBSCRIBERS : hallCount,
          halls,
          authenticated: false,
          loaders: 1,
          concurrency: 50,
          settleMs: 200,
          writer: { halls, mode: { kind: 'closed' }, connections: options.writers, durationMs: options.writeDurationS * 1000, batch: variant.batch },
        });
        return {
          values: {
            commitsPerS: m.commitsPerSecond,
            seatsPerS: m.commits > 0 ? (m.commitsPerSecond * m.seatChanges) / m.commits : 0,
            replyP50: percentile(m.replyMs, 50),
            replyP99: percentile(m.replyMs, 99),
            pushP99: percentile(m.lastReceiptMs, 99),
            cpuPerCommitUs: m.commits > 0 ? (m.serverCpuMs * 1000) / m.commits : Number.NaN,
          },
          problems: [...loadProblems(m), ...(await auditProblems(running, auditBefore, m.seatChanges))],
        };
      }),
  };
}
