// The push path with two dialects: a push is serialised at most once per dialect, however
// many sockets of each receive it, and the original client's shapes come out of one body.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OWN_DIALECT, type Dialect } from '../../../src/core/protocol/dialect.js';
import { ORIGINAL_DIALECT } from '../../../src/core/protocol/original-dialect.js';
import type { Connection } from '../../../src/core/ws/connection.js';
import { Topic } from '../../../src/core/ws/topic.js';

function counting(dialect: Dialect): Dialect & { calls: number } {
  const counted = {
    ...dialect,
    calls: 0,
    pushBodies(type: string, status: Parameters<Dialect['pushBodies']>[1], data: unknown) {
      counted.calls++;
      return dialect.pushBodies(type, status, data);
    },
  };
  return counted;
}

/** Just what Topic touches of a connection: its dialect and the frames it is given. */
function socketOf(dialect: Dialect) {
  const frames: string[] = [];
  const connection = { dialect, sendPush: (body: Buffer, tail: Buffer) => frames.push(Buffer.concat([body, tail]).toString()) };
  return { connection: connection as unknown as Connection, frames };
}

describe('dialects on the push path', () => {
  it('serialises a push once per dialect in use, not once per socket', () => {
    const own = counting(OWN_DIALECT);
    const original = counting(ORIGINAL_DIALECT);
    const topic = new Topic('hall:1', 'hall.subscribe');
    const sockets = [...Array.from({ length: 50 }, () => socketOf(own)), ...Array.from({ length: 50 }, () => socketOf(original))];
    sockets.forEach((socket, i) => topic.add(socket.connection, `sub-${i}`));
    const update = { id: 1, version: 7, seats: [{ id: 3, status: 'MAINTENANCE', updated_at: 'now' }], seat_types: [{ id: 1, seats: { VACANT: 5, OCCUPIED: 2, MAINTENANCE: 1 } }] };
    const push = topic.publish('update', update);
    assert.deepEqual([own.calls, original.calls], [1, 1]);
    push.bodiesFor(own);
    push.bodiesFor(original); // a resume re-sends the same bytes
    assert.deepEqual([own.calls, original.calls], [1, 1]);

    const ours = JSON.parse(sockets[0]!.frames[0]!);
    const theirs = JSON.parse(sockets[50]!.frames[0]!);
    assert.equal(ours.eid, 'sub-0');
    assert.equal(theirs.eid, 'sub-50');
    assert.deepEqual(ours.data, update);
    assert.deepEqual(theirs.data.seats, [{ id: 3, status: 'RESERVED', updated_at: 'now' }]);
    assert.deepEqual(theirs.data.seat_types, [{ id: 1, seats: { VACANT: 5, RESERVED: 3 } }]);
  });

  it('sends a cinemas update to the original client as one frame per cinema', () => {
    const topic = new Topic('cinemas', 'cinemas.subscribe');
    const socket = socketOf(ORIGINAL_DIALECT);
    topic.add(socket.connection, 'cinemas-sub');
    topic.publish('update', [
      { id: 1, halls: [{ id: 10, seats_count: { VACANT: 1, OCCUPIED: 2, MAINTENANCE: 3 } }] },
      { id: 2, halls: [{ id: 20, seats_count: { VACANT: 4, OCCUPIED: 0, MAINTENANCE: 0 } }] },
    ]);
    assert.deepEqual(
      socket.frames.map((frame) => JSON.parse(frame).data),
      [
        { id: 1, halls: [{ id: 10, seats_count: { VACANT: 1, RESERVED: 5 } }] },
        { id: 2, halls: [{ id: 20, seats_count: { VACANT: 4, RESERVED: 0 } }] },
      ],
    );
  });
});
