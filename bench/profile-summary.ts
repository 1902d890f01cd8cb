// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [function] [--busiest <s>] [--after <s>]`: where
// a server profile (bench --profile, i.e. node --cpu-prof) spent its time: self time per
// function and per file, so a missed target can be traced to code without opening DevTools.
// A profile covers the server's whole life (start, connecting, the measured load); with
// --busiest only the busiest window of that many seconds counts (after the first --after
// seconds, to skip the start), which is the load.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { busiest: { type: 'string' }, after: { type: 'string', default: '0' } } });
const [file, topArg, callersOf] = positionals;
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [function name: show its call stacks] [--busiest <seconds>] [--after <seconds>]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const [from, to] = values.busiest ? busiestWindow(Number(values.busiest) * 1e6) : [0, profile.samples.length];
const selfUs = new Map<number, number>();
for (let i = from; i < to; i++) {
  const id = profile.samples[i] as number;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const fnTotals = new Map<string, number>();
const fileTotals = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  const where = shorten(frame.url);
  const fn = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  fnTotals.set(fn, (fnTotals.get(fn) ?? 0) + us);
  fileTotals.set(where || '(native)', (fileTotals.get(where || '(native)') ?? 0) + us);
}

const print = (title: string, totals: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
const idleUs = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled${values.busiest ? ` (busiest ${values.busiest} s)` : ''}, ${(((total - idleUs) / Math.max(total, 1)) * 100).toFixed(0)}% busy`);
print('self time by function', fnTotals);
print('self time by file', fileTotals);
printInclusive('src/');
printInclusive('dist/server.js');
if (callersOf) printStacks(callersOf);

/** Total time (self + callees) of the project's own functions: which entry point costs what. */
function printInclusive(prefix: string): void {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      const where = frame ? shorten(frame.url) : '';
      if (!frame || !where.startsWith(prefix)) continue;
      const name = `${frame.functionName || '(anonymous)'} ${where}`;
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + us);
    }
  }
  print(`total time (with callees) of ${prefix} functions`, totals);
}

/** The heaviest call stacks (innermost 8 frames) ending in a function of that name. */
function printStacks(name: string): void {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName !== name) continue;
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined && frames.length < 8; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame) frames.push(`${frame.functionName || '(anonymous)'} ${shorten(frame.url)}:${frame.lineNumber + 1}`);
    }
    const key = frames.join('\n      <- ');
    stacks.set(key, (stacks.get(key) ?? 0) + us);
  }
  console.log(`\nstacks ending in ${name}`);
  for (const [stack, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${stack}`);
}

/** Sample indexes [from, to) of the window of `spanUs` with the least idle time. */
function busiestWindow(spanUs: number): [number, number] {
  const idle = profile.samples.map((id) => byId.get(id)?.callFrame.functionName === '(idle)');
  let best: [number, number] = [0, 0];
  let bestBusy = -1;
  const afterUs = Number(values.after) * 1e6;
  let start = 0;
  for (let at = 0; start < profile.samples.length && at < afterUs; start++) at += profile.timeDeltas[start] ?? 0;
  let from = start;
  let spanned = 0;
  let busy = 0;
  for (let to = start; to < profile.samples.length; to++) {
    const delta = profile.timeDeltas[to] ?? 0;
    spanned += delta;
    if (!idle[to]) busy += delta;
    while (spanned > spanUs && from < to) {
      const gone = profile.timeDeltas[from] ?? 0;
      spanned -= gone;
      if (!idle[from]) busy -= gone;
      from++;
    }
    if (busy > bestBusy) {
      bestBusy = busy;
      best = [from, to + 1];
    }
  }
  return best;
}

function shorten(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^\/work\/main\//, '');
}
