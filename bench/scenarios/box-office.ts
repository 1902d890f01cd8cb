// Box-office writes beside seat changes (issue 17): bench/micro/holds.ts run `reps`
// times in a child process on a fresh database each time (PostgreSQL with
// BENCH_DATABASE_URL), medians of its two rates. Not a socket scenario: no baselines.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchOptions } from '../options.js';
import { repoRoot } from '../targets/spawn-node.js';

export interface BoxOfficeResult {
  store: string;
  reps: number;
  writers: number;
  seconds: number;
  singleChangesPerSecond: number[];
  holdConfirmPairsPerSecond: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

export function runBoxOffice(options: BenchOptions, log: (line: string) => void): BoxOfficeResult {
  const seconds = options.smoke ? 1 : 5;
  const writers = 10;
  const result: BoxOfficeResult = {
    store: options.databaseUrl ? 'PostgreSQL' : 'PGlite (BENCH_DATABASE_URL not set)',
    reps: options.reps,
    writers,
    seconds,
    singleChangesPerSecond: [],
    holdConfirmPairsPerSecond: [],
  };
  for (let rep = 1; rep <= options.reps; rep++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/micro/holds.ts'), String(seconds), String(writers)], {
      cwd: repoRoot,
      env: { ...process.env, BENCH_DATABASE_URL: options.databaseUrl ?? '' },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`bench/micro/holds.ts failed:\n${run.stderr}`);
    const rate = (label: string) => Number(new RegExp(`${label}\\s+(\\d+) /s`).exec(run.stdout)?.[1]);
    result.singleChangesPerSecond.push(rate('single seat changes \\(group commit x2\\)'));
    result.holdConfirmPairsPerSecond.push(rate('hold \\+ confirm pairs'));
    log(`  box office rep ${rep}: ${result.singleChangesPerSecond.at(-1)} changes/s, ${result.holdConfirmPairsPerSecond.at(-1)} hold+confirm pairs/s`);
  }
  return result;
}

export function formatBoxOffice(result: BoxOfficeResult): string {
  const single = median(result.singleChangesPerSecond);
  const pairs = median(result.holdConfirmPairsPerSecond);
  return [
    `### Box office on ${result.store}: ${result.writers} writers, ${result.seconds} s, median of ${result.reps}`,
    '',
    '| what | per second | versions per second |',
    '|---|---:|---:|',
    `| single seat changes (group commit) | ${single} | ${single} |`,
    `| hold + confirm pairs | ${pairs} | ${pairs * 2} |`,
    '',
    `hold+confirm pairs per single change: ${(pairs / single).toFixed(2)}`,
  ].join('\n');
}
