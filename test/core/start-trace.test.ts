// SEATS_START_TRACE=1 prints one line per start-up phase (docs/performance.md, scenario 5):
// the main thread's time on a CPU, queued for one and idle since the previous mark. Off,
// it prints nothing: a normal start's stderr carries only the logs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Busy for a while, then asleep: the first phase runs, the second waits.
const SCRIPT = `
  const { startMark } = await import('./src/core/start-trace.ts');
  const until = performance.now() + 60; while (performance.now() < until);
  startMark('busy');
  await new Promise((resolve) => setTimeout(resolve, 120));
  startMark('asleep');
`;

function run(env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stderr;
}

describe('start trace', () => {
  it('splits each phase into run, queued and idle time', () => {
    const lines = run({ SEATS_START_TRACE: '1' }).trim().split('\n');
    const phases = lines.map((line) => {
      const match = /^start-trace\s+(\d+) ms \| \+\s*(\d+) run\s+(\d+) queued\s+(\d+) idle\s+(-?\d+) \| (\w+) @\d+$/.exec(line);
      assert.ok(match, line);
      return { name: match[6], wall: Number(match[2]), run: Number(match[3]), idle: Number(match[5]) };
    });
    assert.deepEqual(phases.map((phase) => phase.name), ['busy', 'asleep']);
    const [, asleep] = phases;
    // The timer's 120 ms are idle, not time on a CPU (a loaded machine may queue some).
    assert.ok(asleep!.wall >= 110, `asleep took ${asleep!.wall} ms`);
    assert.ok(asleep!.run < 60, `asleep ran ${asleep!.run} ms`);
    assert.ok(asleep!.idle > 20, `asleep idled ${asleep!.idle} ms`);
  });

  it('prints nothing unless asked', () => {
    assert.equal(run({ SEATS_START_TRACE: '' }), '');
  });
});
