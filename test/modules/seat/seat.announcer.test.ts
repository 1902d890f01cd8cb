// The announcer of seat commits on a PostgreSQL server: order, coalescing, retries and
// drain. The bus here is a scripted stand-in for its one method (notifyAll); the real
// bus is exercised by seat.group-commit.test.ts and the multi-instance tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/core/logger.js';
import { SeatAnnouncer } from '../../../src/modules/seat/seat.announcer.js';
import { CapturedLogs } from '../../support/log-capture.js';

function scriptedBus(failures = 0) {
  const calls: string[][] = [];
  let release: (() => void) | null = null;
  let blockNext = false;
  return {
    calls,
    /** The next statement waits for `unblock()`. */
    block() {
      blockNext = true;
    },
    unblock() {
      release?.();
    },
    async notifyAll(_channel: string, payloads: readonly string[]) {
      calls.push([...payloads]);
      if (blockNext) {
        blockNext = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      if (failures > 0) {
        failures--;
        throw new Error('connection terminated');
      }
    },
  };
}

function logger() {
  const logs = new CapturedLogs();
  return { logs, logger: createLogger({ log: { level: 'info', format: 'json' } }, [logs]) };
}

describe('SeatAnnouncer', () => {
  it('sends commits in order, one statement at a time, with everything queued meanwhile in the next', async () => {
    const bus = scriptedBus();
    const announcer = new SeatAnnouncer(bus, 'seats', logger().logger, 0);
    bus.block();
    announcer.announce(['1:1']);
    announcer.announce(['1:2 [..]', 'showing:4:7']);
    announcer.announce([]);
    announcer.announce(['1:3']);
    assert.deepEqual(bus.calls, [['1:1']], 'the first statement is in flight, the rest wait');
    bus.unblock();
    await announcer.drain();
    assert.deepEqual(bus.calls, [['1:1'], ['1:2 [..]', 'showing:4:7', '1:3']]);
  });

  it('sends a failed statement again', async () => {
    const bus = scriptedBus(2);
    const { logs, logger: log } = logger();
    const announcer = new SeatAnnouncer(bus, 'seats', log, 0);
    announcer.announce(['1:1']);
    await announcer.drain();
    assert.deepEqual(bus.calls, [['1:1'], ['1:1'], ['1:1']]);
    assert.equal(logs.lines.length, 0);
  });

  it('gives a statement up after three attempts, logs it, and goes on with the next', async () => {
    const bus = scriptedBus(3);
    const { logs, logger: log } = logger();
    const announcer = new SeatAnnouncer(bus, 'seats', log, 0);
    announcer.announce(['1:1']);
    await announcer.drain();
    announcer.announce(['1:2']);
    await announcer.drain();
    assert.deepEqual(bus.calls, [['1:1'], ['1:1'], ['1:1'], ['1:2']]);
    assert.equal(logs.lines.length, 1);
    assert.match(logs.lines[0]!, /announcement failed/);
  });

  it('drain waits for what is in flight', async () => {
    const bus = scriptedBus();
    const announcer = new SeatAnnouncer(bus, 'seats', logger().logger, 0);
    bus.block();
    announcer.announce(['1:1']);
    let drained = false;
    const draining = announcer.drain().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(drained, false);
    bus.unblock();
    await draining;
    assert.equal(drained, true);
  });
});
