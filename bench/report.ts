// The results as Markdown tables (stdout, and pasted into docs/performance.md) and as
// JSON (bench/results/<name>.json) with every repetition's figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult, TargetResult } from './scenarios/scenario.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
}

export function describeMachine(): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
  };
}

export function formatScenario(result: ScenarioResult, reps: number): string {
  const baselines = result.targets.filter((t) => t.kind !== 'seats');
  const ours = result.targets.filter((t) => t.kind === 'seats');
  const byKey = new Map(result.targets.map((t) => [t.key, t]));
  const pairs = result.compare
    ? result.compare.flatMap(([of, to]) => {
        const o = byKey.get(of);
        const b = byKey.get(to);
        return o && b ? [{ o, b }] : [];
      })
    : ours.flatMap((o) => baselines.map((b) => ({ o, b })));
  const ratioHeader = pairs.map(({ o, b }) => `${ours.length > 1 || result.compare ? o.label : 'ours'} / ${b.label}`);
  const lines = [
    `### ${result.title} (median of ${reps})`,
    '',
    row(['metric', ...result.targets.map((t) => t.label), ...ratioHeader]),
    row(['---', ...[...result.targets, ...pairs].map(() => '---:')]),
  ];
  for (const metric of result.metrics) {
    const cells = result.targets.map((t) => fmt(t.median[metric.key], metric.digits));
    const ratios = pairs.map(({ o, b }) => fmtRatio(o, b, metric.key));
    lines.push(row([`${metric.label} (${metric.unit})`, ...cells, ...ratios]));
  }
  lines.push('');
  for (const goal of result.goals) lines.push(`- target ${goal.text}: ${goal.met === undefined ? 'not measured' : goal.met ? 'MET' : 'MISSED'}`);
  for (const note of result.notes) lines.push(`- ${note}`);
  for (const problem of result.problems) lines.push(`- CORRECTNESS: ${problem}`);
  return lines.join('\n');
}

export function writeResults(name: string, payload: { machine: Machine; options: unknown; scenarios: ScenarioResult[]; boxOffice?: unknown; startedAt: string; seconds: number }): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
  return path;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function fmtRatio(ours: TargetResult, baseline: TargetResult, key: string): string {
  const a = ours.median[key];
  const b = baseline.median[key];
  return a !== undefined && b !== undefined && Number.isFinite(a) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

function fmt(value: number | undefined, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
