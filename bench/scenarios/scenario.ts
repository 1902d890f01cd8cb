// The shape every scenario shares: the same workload against each target, repetitions
// interleaved (raw, Socket.IO, ours, raw, ...) so drift on the shared machine hits all
// targets alike, and the median of each metric per target.
import { median } from '../stats.js';
import type { Target } from '../targets/target.js';
import type { LoadMeasurement } from './load-run.js';

export interface Metric {
  key: string;
  label: string;
  unit: string;
  /** Digits after the point in the table. */
  digits: number;
}

/** A target of the issue, checked against the medians. */
export interface Goal {
  text: string;
  check(medians: Map<string, Record<string, number>>): boolean | undefined;
}

export interface Sample {
  values: Record<string, number>;
  /** Correctness failures of this repetition; any one fails the bench. */
  problems: string[];
}

export interface TargetResult {
  key: string;
  kind: Target['kind'];
  label: string;
  samples: Record<string, number>[];
  median: Record<string, number>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  metrics: Metric[];
  targets: TargetResult[];
  goals: { text: string; met: boolean | undefined }[];
  problems: string[];
  notes: string[];
  compare?: [string, string][];
}

export interface ScenarioSpec {
  id: string;
  title: string;
  metrics: Metric[];
  goals: Goal[];
  notes: string[];
  /**
   * The ratio columns as [target key, target key] pairs, where the comparison is not
   * ours against each baseline (several instances against one).
   */
  compare?: [string, string][];
  /** One repetition on one target. */
  measure(target: Target, rep: number): Promise<Sample>;
}

export async function runScenario(spec: ScenarioSpec, targets: Target[], reps: number, log: (line: string) => void): Promise<ScenarioResult> {
  const samples = new Map<Target, Record<string, number>[]>(targets.map((t) => [t, []]));
  const problems: string[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const target of targets) {
      const started = performance.now();
      const sample = await spec.measure(target, rep).catch((error: unknown): Sample => ({ values: {}, problems: [`run failed: ${error instanceof Error ? error.message : String(error)}`] }));
      samples.get(target)?.push(sample.values);
      problems.push(...sample.problems.map((p) => `${target.label} rep ${rep + 1}: ${p}`));
      log(`  ${spec.id} rep ${rep + 1}/${reps} ${target.label}: ${summarise(spec.metrics, sample.values)} (${((performance.now() - started) / 1000).toFixed(1)} s)${sample.problems.length ? ` PROBLEMS: ${sample.problems.join('; ')}` : ''}`);
    }
  }
  const results: TargetResult[] = targets.map((target) => {
    const runs = samples.get(target) ?? [];
    const medians = Object.fromEntries(spec.metrics.map((m) => [m.key, median(runs.map((r) => r[m.key] ?? Number.NaN))]));
    return { key: target.key, kind: target.kind, label: target.label, samples: runs, median: medians };
  });
  const byKey = new Map(results.map((r) => [r.key, r.median]));
  return {
    id: spec.id,
    title: spec.title,
    metrics: spec.metrics,
    targets: results,
    goals: spec.goals.map((goal) => ({ text: goal.text, met: goal.check(byKey) })),
    problems,
    notes: spec.notes,
    compare: spec.compare,
  };
}

function summarise(metrics: Metric[], values: Record<string, number>): string {
  return metrics
    .filter((m) => values[m.key] !== undefined)
    .map((m) => `${m.key}=${(values[m.key] as number).toFixed(m.digits)}`)
    .join(' ');
}

/** The correctness failures of a load run, as report lines. */
export function loadProblems(
  m: Pick<LoadMeasurement, 'failed' | 'failures' | 'gaps' | 'stale' | 'foreign' | 'early' | 'unserved' | 'closed' | 'missing' | 'errors' | 'authenticated'>,
): string[] {
  const problems: string[] = [];
  if (m.failed > 0) problems.push(`${m.failed} sockets not served (${m.failures.join(' | ')})`);
  if (m.gaps > 0) problems.push(`${m.gaps} version gaps`);
  if (m.stale > 0) problems.push(`${m.stale} duplicate or reordered versions`);
  if (m.foreign > 0) problems.push(`${m.foreign} updates of a map the hall no longer showed`);
  if (m.early > 0) problems.push(`${m.early} updates before the snapshot`);
  if (m.unserved > 0) problems.push(`${m.unserved} subscribers never got the last version`);
  if (m.closed > 0) problems.push(`${m.closed} sockets closed by the server`);
  if (m.missing > 0) problems.push(`${m.missing} receipts missing`);
  const errors = Object.entries(m.errors);
  if (errors.length > 0) problems.push(`writer errors ${errors.map(([code, n]) => `${code}×${n}`).join(', ')}`);
  if (m.authenticated === false) problems.push('the session cookie was not accepted');
  return problems;
}

/** Ratio of our median to a baseline's, or undefined when either is missing. */
export function ratioTo(medians: Map<string, Record<string, number>>, key: string, baseline: 'raw' | 'socketio', ourKey = 'seats'): number | undefined {
  const ours = medians.get(ourKey)?.[key];
  const base = medians.get(baseline)?.[key];
  if (ours === undefined || base === undefined || !Number.isFinite(ours) || !(base > 0)) return undefined;
  return ours / base;
}
