// The NOTIFY payloads on the seat channel: a hint naming the stream and its last version,
// optionally followed by the changes that commit made. A listener applies carried changes
// only when they are exactly the stream's, ending at the hinted version; anything else
// falls back to the hint (and a read of the log), never to wrong data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carriedChanges, parseStreamHint, parseStreamNotification } from '../../../src/modules/seat/seat.stream.js';

const seat = (id: number) => ({ id, old_status: 'VACANT', status: 'OCCUPIED', updated_at: '2026-12-01T17:14:36.35+00:00' });

describe('seat channel notifications', () => {
  it('reads hints alone', () => {
    assert.deepEqual(parseStreamNotification('12:7'), { key: 'hall:12', version: 7 });
    assert.deepEqual(parseStreamNotification('showing:3:41'), { key: 'showing:3', version: 41 });
  });

  it('reads the changes a hint carries, with timestamps as the wire has them', () => {
    const changes = [
      { hall_id: 12, showing_id: null, version: 6, seats: [seat(1)] },
      { hall_id: 12, showing_id: null, version: 7, seats: [seat(2), seat(3)] },
    ];
    const parsed = parseStreamNotification(`12:7 ${JSON.stringify(changes)}`);
    assert.equal(parsed?.key, 'hall:12');
    assert.deepEqual(parsed?.changes?.map((c) => c.version), [6, 7]);
    assert.equal(parsed?.changes?.[1]?.seats[1]?.updated_at, '2026-12-01T17:14:36.350Z');
    const showing = parseStreamNotification(`showing:3:41 ${JSON.stringify([{ hall_id: 12, showing_id: 3, version: 41, seats: [seat(1)] }])}`);
    assert.deepEqual(showing?.changes?.[0]?.showing_id, 3);
  });

  it('keeps the hint and drops changes that are not the stream\'s, do not end at its version, or are not JSON', () => {
    const hint = { key: 'hall:12', version: 7 };
    for (const body of [
      JSON.stringify([{ hall_id: 13, showing_id: null, version: 7, seats: [] }]),
      JSON.stringify([{ hall_id: 12, showing_id: 5, version: 7, seats: [] }]),
      JSON.stringify([{ hall_id: 12, showing_id: null, version: 6, seats: [] }]),
      JSON.stringify([{ hall_id: 12, showing_id: null, version: 7 }]),
      JSON.stringify([]),
      JSON.stringify({ version: 7 }),
      '[{"hall_id": 12,',
    ]) {
      assert.deepEqual(parseStreamNotification(`12:7 ${body}`), hint, body);
    }
  });

  it('reads the hint alone first and the changes only when asked (a listener that applied the version skips them)', () => {
    const body = JSON.stringify([{ hall_id: 12, showing_id: null, version: 7, seats: [seat(1)] }]);
    assert.deepEqual(parseStreamHint(`12:7 ${body}`), { key: 'hall:12', version: 7, body });
    assert.deepEqual(parseStreamHint('showing:3:41'), { key: 'showing:3', version: 41 });
    // The body is not looked at until asked: a broken one still gives the hint.
    const broken = parseStreamHint('12:7 [{"hall_id": 12,')!;
    assert.deepEqual([broken.key, broken.version], ['hall:12', 7]);
    assert.equal(carriedChanges(broken), undefined);
    assert.deepEqual(carriedChanges(parseStreamHint(`12:7 ${body}`)!)?.map((c) => c.version), [7]);
    assert.equal(carriedChanges(parseStreamHint('12:7')!), undefined);
  });

  it('refuses what is no hint', () => {
    for (const payload of ['', 'x', '12', '0:1', 'hall:12:7', 'showing:x:1', '12:7:8']) assert.equal(parseStreamNotification(payload), null, payload);
  });
});
