// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a server profile
// (bench --profile, i.e. node --cpu-prof) spent its time: self time per function and per
// file, so a missed target can be traced to code without opening DevTools.
import { readFileSync } from 'node:fs';

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

const [file, topArg, callersOf] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [function name: show its call stacks]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

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
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
print('self time by function', fnTotals);
print('self time by file', fileTotals);
printInclusive('src/');
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

function shorten(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^\/work\/main\//, '');
}
